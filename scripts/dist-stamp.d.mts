// Types of scripts/dist-stamp.mjs (plain JavaScript: bin/churnbook.js reads it before anything is compiled).
export declare const root: string;
export declare const srcDir: string;
export declare const distDir: string;
export declare const stampFile: string;
export declare function sourceStamp(src?: string): string;
export declare function distState(dir?: string): "fresh" | "missing" | "stale";
