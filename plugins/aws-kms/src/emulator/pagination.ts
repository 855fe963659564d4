import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { KmsError } from "./errors.js";

/**
 * AWS's list pagination: `Limit` items at most, then `Truncated: true` and an opaque `NextMarker`
 * to pass back as `Marker`. A marker here names the sort key of the last item returned and the
 * listing it belongs to (operation, account, filter), and is MACed with a per-emulator secret, so a
 * made-up, altered or foreign marker is InvalidMarkerException, as on AWS. Because the marker is a
 * position and not an offset, items created or deleted between pages do not shift later pages.
 */
export interface PageResult<T> {
  items: T[];
  truncated: boolean;
  nextMarker?: string;
}

export class Paginator {
  private readonly secret = randomBytes(32);

  /** `items` must be sorted by `sortKey` (string order). */
  page<T>(items: readonly T[], sortKey: (item: T) => string, request: { limit: number; marker: string | undefined; listing: string }): PageResult<T> {
    const after = request.marker === undefined ? undefined : this.open(request.marker, request.listing);
    const start = after === undefined ? 0 : items.findIndex((item) => sortKey(item) > after);
    const rest = start < 0 ? [] : items.slice(start);
    const page = rest.slice(0, request.limit);
    if (rest.length <= request.limit || page.length === 0) return { items: page, truncated: false };
    return { items: page, truncated: true, nextMarker: this.seal(request.listing, sortKey(page[page.length - 1]!)) };
  }

  private seal(listing: string, after: string): string {
    const payload = Buffer.from(JSON.stringify([listing, after]), "utf8");
    return `${payload.toString("base64url")}.${this.mac(payload).toString("base64url")}`;
  }

  private open(marker: string, listing: string): string {
    const [encoded, tag, extra] = marker.split(".");
    if (encoded !== undefined && tag !== undefined && extra === undefined) {
      const payload = Buffer.from(encoded, "base64url");
      const given = Buffer.from(tag, "base64url");
      const expected = this.mac(payload);
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        const [forListing, after] = JSON.parse(payload.toString("utf8")) as [string, string];
        if (forListing === listing) return after;
      }
    }
    throw new KmsError("InvalidMarkerException", "The marker that specifies where pagination should next begin is not valid.");
  }

  private mac(payload: Buffer): Buffer {
    return createHmac("sha256", this.secret).update(payload).digest().subarray(0, 16);
  }
}
