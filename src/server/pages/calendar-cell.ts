/**
 * How one day of a service looks on the calendar page. Pure, and bundled into the page's script too, so
 * that the server's first render and the live updates in the browser show a day the same way.
 */
export interface CalendarDay {
  date: string;
  slotCount: number;
  availableSpots: number;
  level: string;
  blackout: boolean;
}

export interface CellView {
  text: string;
  title: string;
  className: string;
  attributes: { 'data-date': string; 'data-available': string; 'data-level': string };
}

export function cellView(day: CalendarDay): CellView {
  const open = day.slotCount > 0;
  const seats = day.availableSpots === 1 ? '1 seat left' : `${day.availableSpots} seats left`;
  return {
    text: open ? String(day.availableSpots) : '·',
    title: `${day.date}: ${day.blackout ? 'closed (blackout)' : open ? seats : 'nothing to book'}`,
    className: `level-${day.level.toLowerCase()}${open ? '' : ' closed'}`,
    attributes: { 'data-date': day.date, 'data-available': String(day.availableSpots), 'data-level': day.level },
  };
}
