/** Adds an ISO-8601 period of years, months, weeks and days (UKO's `P5Y1M1W2D`) to a date, in UTC. */
export function addPeriod(from: Date, period: string): Date | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(period);
  if (!m || period === "P") return undefined;
  const [, y = "0", mo = "0", w = "0", d = "0"] = m;
  const out = new Date(from);
  out.setUTCFullYear(out.getUTCFullYear() + Number(y), out.getUTCMonth() + Number(mo), out.getUTCDate() + 7 * Number(w) + Number(d));
  return out;
}
