import type { ReactNode } from 'react';

/// One column of a ResponsiveTable: its heading, and whether it holds numbers (right-aligned). A
/// column without a label holds each row's buttons; assistive technology hears it as "Actions".
export type Column = { label?: string; numeric?: boolean };

/// A table that turns into cards on a phone (each cell names its column with `data-label`): the
/// headings from `columns`, then the rows given as children.
export function ResponsiveTable({ columns, children }: { columns: Column[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table responsive">
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={c.label ?? `actions-${i}`} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.label ?? <span className="visually-hidden">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/// A person as the organizer's tables show them: the name, and under it the address with an
/// optional note (e.g. that it is not confirmed yet); `children` follow (answers, buttons).
export function PersonCell({
  name,
  email,
  note,
  children,
}: {
  name: string;
  email: string;
  note?: string;
  children?: ReactNode;
}) {
  return (
    <div>
      <div className="primary">{name}</div>
      <div className="small muted">
        {email}
        {note && ` · ${note}`}
      </div>
      {children}
    </div>
  );
}
