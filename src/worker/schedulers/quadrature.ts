/**
 * Adaptive Gauss–Kronrod quadrature (QUADPACK's 21-point rule, as scipy.integrate.quad's QAGS uses), for the LMS
 * coefficients. The 21-point rule integrates polynomials up to degree 31 exactly, so LMS's cubic Lagrange
 * integrands finish in one pass exactly as in scipy; interval bisection is there for any other integrand.
 */

// QUADPACK dqk21 abscissae (xgk) and weights (wgk: Kronrod, wg: Gauss) on [-1, 1], from the positive side.
const XGK = [
  0.995657163025808080735527280689003, 0.973906528517171720077964012084452, 0.930157491355708226001207180059508,
  0.865063366688984510732096688423493, 0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
  0.562757134668604683339000099272694, 0.433395394129247190799265943165784, 0.294392862701460198131126603103866,
  0.14887433898163121088482600112972, 0,
];
const WGK = [
  0.011694638867371874278064396062192, 0.03255816230796472747881897245939, 0.05475589657435199603138130024458,
  0.07503967481091995276704314091619, 0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
  0.123491976262065851077958109831074, 0.134709217311473325928054001771707, 0.142775938577060080797094273138717,
  0.147739104901338491374841515972068, 0.149445554002916905664936468389821,
];
const WG = [
  0.066671344308688137593568809893332, 0.149451349150580593145776339657697, 0.219086362515982043995534934228163,
  0.269266719309996355091226921569469, 0.295524224714752870173892994651338,
];

/** One 21-point Kronrod estimate of the integral of `f` over [a, b], with QUADPACK's error estimate. */
export function gaussKronrod21(f: (x: number) => number, a: number, b: number): { value: number; error: number } {
  const center = 0.5 * (a + b);
  const half = 0.5 * (b - a);
  const fc = f(center);
  let resk = WGK[10]! * fc;
  let resg = 0;
  let resabs = Math.abs(resk);
  const samples: number[] = [];
  // Odd QUADPACK indices (2, 4, ..., 10 one-based) are the Gauss points; sum them first, as dqk21 does.
  for (const j of [1, 3, 5, 7, 9]) {
    const x = half * XGK[j]!;
    const f1 = f(center - x);
    const f2 = f(center + x);
    resg += WG[(j - 1) / 2]! * (f1 + f2);
    resk += WGK[j]! * (f1 + f2);
    resabs += WGK[j]! * (Math.abs(f1) + Math.abs(f2));
    samples[j] = f1;
    samples[20 - j] = f2;
  }
  for (const j of [0, 2, 4, 6, 8]) {
    const x = half * XGK[j]!;
    const f1 = f(center - x);
    const f2 = f(center + x);
    resk += WGK[j]! * (f1 + f2);
    resabs += WGK[j]! * (Math.abs(f1) + Math.abs(f2));
    samples[j] = f1;
    samples[20 - j] = f2;
  }
  const mean = resk * 0.5;
  let resasc = WGK[10]! * Math.abs(fc - mean);
  for (let j = 0; j < 10; j += 1) resasc += WGK[j]! * (Math.abs(samples[j]! - mean) + Math.abs(samples[20 - j]! - mean));
  let error = Math.abs((resk - resg) * half);
  resasc *= Math.abs(half);
  if (resasc !== 0 && error !== 0) error = resasc * Math.min(1, (200 * error / resasc) ** 1.5);
  const eps = Number.EPSILON;
  if (resabs * Math.abs(half) > Number.MIN_VALUE / (50 * eps)) error = Math.max(eps * 50 * resabs * Math.abs(half), error);
  return { value: resk * half, error };
}

/** The integral of `f` over [a, b] to relative accuracy `epsrel`, bisecting the worst interval as needed. */
export function integrate(f: (x: number) => number, a: number, b: number, epsrel = 1e-4, epsabs = 1.49e-8): number {
  let parts = [{ a, b, ...gaussKronrod21(f, a, b) }];
  for (let round = 0; round < 50; round += 1) {
    const value = parts.reduce((s, p) => s + p.value, 0);
    const error = parts.reduce((s, p) => s + p.error, 0);
    if (error <= Math.max(epsabs, epsrel * Math.abs(value))) return value;
    parts.sort((p, q) => q.error - p.error);
    const worst = parts.shift()!;
    const mid = 0.5 * (worst.a + worst.b);
    parts = [...parts, { a: worst.a, b: mid, ...gaussKronrod21(f, worst.a, mid) }, { a: mid, b: worst.b, ...gaussKronrod21(f, mid, worst.b) }];
  }
  return parts.reduce((s, p) => s + p.value, 0);
}
