import { describe, expect, it } from "vitest";
import { hyp2f1Real } from "../../../src/analysis/stats/hypergeometric.js";

// Reference values from mpmath.hyp2f1 (30 digits).
describe("hyp2f1Real: ₂F₁ on z < 1", () => {
  const rel = (got: number, want: number) => Math.abs(got / want - 1);
  it("series region agrees with closed forms", () => {
    expect(rel(hyp2f1Real(1, 1, 2, 0.5), -Math.log(0.5) / 0.5)).toBeLessThan(1e-14);
  });
  it("z near 1 via the 1 − z transformation", () => {
    // BG/NBD-like arguments: 2F1(r+x, b+x; a+b+x−1; 0.95).
    expect(rel(hyp2f1Real(2.2425945, 4.4258881, 4.218808, 0.95), 1342.9221841493698)).toBeLessThan(1e-12);
    expect(rel(hyp2f1Real(0.3, 0.7, 1.2, 0.97), 1.5528547009241408)).toBeLessThan(1e-12);
    expect(rel(hyp2f1Real(3.2, 1.1, 2.7, 0.9999), 1503601.2076157486)).toBeLessThan(1e-12);
  });
  it("z near 1 with an integer c − a − b (poles cancel; Richardson over c ± δ)", () => {
    expect(rel(hyp2f1Real(1.5, 2.5, 2, 0.999), 849038.05073039131)).toBeLessThan(1e-9);
    // 2F1(1,1;2;z) = −ln(1−z)/z, c − a − b = 0.
    expect(rel(hyp2f1Real(1, 1, 2, 0.99), -Math.log(0.01) / 0.99)).toBeLessThan(1e-9);
    expect(rel(hyp2f1Real(2.5, 3, 1.5, 0.93), 80383.173677634545)).toBeLessThan(1e-9);
  });
  it("negative z via Pfaff, including z ≤ −1 where the series diverges", () => {
    expect(rel(hyp2f1Real(0.5, 1.5, 3, -3), 0.65727411065979245)).toBeLessThan(1e-13);
    expect(rel(hyp2f1Real(0.5, 1.5, 3, -0.5), 0.8978312410764205)).toBeLessThan(1e-13);
  });
  it("rejects z ≥ 1", () => {
    expect(() => hyp2f1Real(1, 1, 2, 1)).toThrow(/z must be < 1/);
  });
});
