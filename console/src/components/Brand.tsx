/** The product's name and mark in the header; the same mark is the favicon (public/favicon.svg). */
export function Brand() {
  return (
    <span className="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" width="22" height="22" aria-hidden="true" focusable="false">
        <path d="M16 2 4 6.5v8.2c0 7.3 5 13.2 12 15.3 7-2.1 12-8 12-15.3V6.5Z" fill="#fff" />
        <circle cx="12.5" cy="14" r="4" fill="none" stroke="#14233a" strokeWidth="2.4" />
        <path d="M16 14h8.5v3.2M21.5 14v2.6" fill="none" stroke="#14233a" strokeWidth="2.4" strokeLinecap="square" />
      </svg>
      <span>UKO console</span>
    </span>
  );
}
