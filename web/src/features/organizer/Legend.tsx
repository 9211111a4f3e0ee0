/// A chart's key: a swatch of each series' colour (the colour the chart draws it in) and its name.
/// `decorative` hides it from screen readers when the chart's own label already says it all.
export function Legend({
  items,
  centered,
  decorative,
}: {
  items: { label: string; color: string }[];
  centered?: boolean;
  decorative?: boolean;
}) {
  return (
    <div className={centered ? 'legend centered' : 'legend'} aria-hidden={decorative ? 'true' : undefined}>
      {items.map((item) => (
        <span key={item.label}>
          <i style={{ background: item.color }} />
          {item.label}
        </span>
      ))}
    </div>
  );
}
