/** The evaluation period the screens open on: last calendar month, e.g. 2026-02. */
export const lastMonth = () => {
  const d = new Date();
  d.setDate(0);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};
