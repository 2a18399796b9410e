// Words and times as the screens show them. An event's times are shown, and typed, in the
// event's own time zone: an organiser in another state still sets "10:00 at the office".

// "no_show" -> "No show", "canvass_launch" -> "Canvass launch".
export function label(value) {
  const text = String(value == null ? "" : value).replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const DAY = { weekday: "short", month: "short", day: "numeric" };
const TIME = { hour: "numeric", minute: "2-digit" };

// "Sat, Oct 12, 10:00 AM" in ``zone`` (the browser's own when none is known).
export function moment(iso, zone) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { ...DAY, ...TIME, timeZone: zone || undefined });
}

export function clock(iso, zone) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString(undefined, { ...TIME, timeZone: zone || undefined });
}

// "Sat, Oct 12, 10:00 AM - 12:00 PM"; the end's day too when it is another day.
export function span(startIso, endIso, zone) {
  const sameDay = new Date(startIso).toLocaleDateString("en-CA", { timeZone: zone || undefined })
    === new Date(endIso).toLocaleDateString("en-CA", { timeZone: zone || undefined });
  return `${moment(startIso, zone)} – ${sameDay ? clock(endIso, zone) : moment(endIso, zone)}`;
}

// An event's first start to its last end.
export function eventSpan(event) {
  if (!event.shifts.length) return "no shifts";
  const starts = event.shifts.map((s) => s.starts_at).sort();
  const ends = event.shifts.map((s) => s.ends_at).sort();
  return span(starts[0], ends[ends.length - 1], event.time_zone);
}

// The wall clock in ``zone`` at an instant, as numbers.
function wallClock(date, zone) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit" }).formatToParts(date);
  return Object.fromEntries(parts.filter((p) => p.type !== "literal")
    .map((p) => [p.type, Number(p.value)]));
}

// "2025-10-12T10:00" (a datetime-local input) in ``zone`` -> the instant, as ISO 8601 in UTC.
export function zonedToIso(local, zone) {
  const [day, time] = local.split("T");
  const [year, month, date] = day.split("-").map(Number);
  const [hour, minute] = time.split(":").map(Number);
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  const offset = (at) => {
    const c = wallClock(new Date(at), zone);
    return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - at;
  };
  // The zone's offset at the first guess, then at the answer: right across a change of clocks.
  const guess = wall - offset(wall);
  return new Date(wall - offset(guess)).toISOString();
}

// "2025-10-12T10:00" plus hours, on the wall clock (the zone does not matter for this).
export function addHours(local, hours) {
  return new Date(Date.parse(`${local}:00Z`) + hours * 3600000).toISOString().slice(0, 16);
}

// An instant -> "2025-10-12T10:00" in ``zone``, for a datetime-local input.
export function isoToZoned(date, zone) {
  const c = wallClock(date, zone);
  const two = (n) => String(n).padStart(2, "0");
  return `${c.year}-${two(c.month)}-${two(c.day)}T${two(c.hour)}:${two(c.minute)}`;
}

// Money is integer cents end to end: 125050 -> "$1,250.50", -500 -> "-$5.00".
export function dollars(cents) {
  const sign = cents < 0 ? "-" : "";
  const whole = Math.floor(Math.abs(cents) / 100).toLocaleString("en-US");
  return `${sign}$${whole}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;
}

// What a person types ("1,250.50", "$40", "12.5") -> cents (125050, 4000, 1250), never a float
// on the way; null when it is not an amount.
export function parseCents(text) {
  const match = String(text).replace(/[\s$,]/g, "").match(/^(\d{1,9})(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}

// "2026-03-02" (a date with no time) as the campaign wrote it: "Mar 2, 2026".
export function dateOnly(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString(undefined,
    { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
}
