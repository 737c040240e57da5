// Types of scripts/build.mjs (plain JavaScript: it runs on `npm ci` before anything is compiled).
export declare function buildDist(): Promise<void>;
