import { HeaderName } from "@carbon/react";
import { Link } from "../router.tsx";

/**
 * The product's name and mark in Carbon's header (its HeaderName, without the "IBM" prefix: this
 * is not an IBM product); it links to the start page. The same mark is the favicon
 * (public/favicon.svg).
 */
export function Brand() {
  return (
    <HeaderName as={Link} to="/" href="/" prefix="" className="brand">
      <BrandMark />
      UKO console
    </HeaderName>
  );
}

function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" width="22" height="22" aria-hidden="true" focusable="false">
      <path d="M16 2 4 6.5v8.2c0 7.3 5 13.2 12 15.3 7-2.1 12-8 12-15.3V6.5Z" fill="#fff" />
      <circle cx="12.5" cy="14" r="4" fill="none" stroke="#161616" strokeWidth="2.4" />
      <path d="M16 14h8.5v3.2M21.5 14v2.6" fill="none" stroke="#161616" strokeWidth="2.4" strokeLinecap="square" />
    </svg>
  );
}
