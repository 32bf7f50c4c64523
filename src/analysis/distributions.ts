/**
 * The few probability distributions the power analysis needs: standard normal, central and
 * noncentral chi-square. Written here (not a dependency) because each is a dozen lines of
 * textbook numerics; test/analysis/distributions.test.ts checks them against published tables.
 */

/** Φ(x), the standard normal CDF, via erfc (Numerical Recipes §6.2 Chebyshev fit, |ε| < 1.2e-7). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(poly);
  return x >= 0 ? value : 2 - value;
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Φ⁻¹(p): Acklam's rational approximation, polished by one Halley step (error < 1e-9 before it). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const horner = (coefficients: number[], x: number): number => coefficients.reduce((acc, c) => acc * x + c, 0);
  let x: number;
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const tail = horner(C, q) / (horner(D, q) * q + 1);
    x = p < P_LOW ? tail : -tail;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (horner(A, r) * q) / (horner(B, r) * r + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** ln Γ(x), Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = g[0]!;
  for (let i = 1; i < 9; i++) sum += g[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Regularized lower incomplete gamma P(a, x): series below a+1, Lentz continued fraction above. */
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return front * sum;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < tiny ? tiny : d;
    c = b + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return 1 - front * h;
}

export function chiSquareCdf(x: number, df: number): number {
  return gammaP(df / 2, x / 2);
}

/** Noncentral chi-square CDF as the Poisson(λ/2) mixture of central ones (Johnson, Kotz & Balakrishnan ch. 29). */
export function noncentralChiSquareCdf(x: number, df: number, lambda: number): number {
  const mean = lambda / 2;
  const terms = Math.ceil(mean + 12 * Math.sqrt(mean) + 30);
  let total = 0;
  for (let j = 0; j <= terms; j++) {
    const weight = Math.exp(-mean + j * Math.log(Math.max(mean, Number.MIN_VALUE)) - logGamma(j + 1));
    total += (mean === 0 ? (j === 0 ? 1 : 0) : weight) * chiSquareCdf(x, df + 2 * j);
  }
  return total;
}

/** The x with `cdf(x) = p` for an increasing cdf, by bisection; exact to 1e-10 relative. */
function invert(cdf: (x: number) => number, p: number, high: number): number {
  let low = 0;
  while (cdf(high) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-10 * high; i++) {
    const mid = (low + high) / 2;
    if (cdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export function chiSquareQuantile(p: number, df: number): number {
  return invert((x) => chiSquareCdf(x, df), p, df + 10);
}

/**
 * Noncentrality λ at which a level-α chi-square test with `df` degrees of freedom has the given
 * power: the λ of Cohen (1988) ch. 7, whose sample size for effect size w is N = λ / w².
 */
export function chiSquareNoncentrality(df: number, alpha: number, power: number): number {
  // Hundreds of bisection steps each; a policy set asks for a handful of distinct (df, α, power).
  const key = `${df}/${alpha}/${power}`;
  let lambda = noncentralities.get(key);
  if (lambda === undefined) {
    const critical = chiSquareQuantile(1 - alpha, df);
    lambda = invert((l) => 1 - noncentralChiSquareCdf(critical, df, l), power, 10);
    noncentralities.set(key, lambda);
  }
  return lambda;
}

const noncentralities = new Map<string, number>();
