import { Breadcrumb, BreadcrumbItem } from "@carbon/react";
import { Link } from "../router.tsx";

/** Where a page sits, as Carbon's Breadcrumb: the section it belongs to, then the page itself. */
export function Crumbs({ parent, current }: { parent: { to: string; label: string }; current: string }) {
  return (
    <Breadcrumb className="page-crumbs" noTrailingSlash>
      <BreadcrumbItem>
        <Link to={parent.to}>{parent.label}</Link>
      </BreadcrumbItem>
      <BreadcrumbItem isCurrentPage>{current}</BreadcrumbItem>
    </Breadcrumb>
  );
}
