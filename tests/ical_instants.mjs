// Reads an .ics file with ical.js (the parser behind many web calendars) and prints, as JSON by UID, the
// UTC start and end of every event, using only the VTIMEZONEs in the file (no tz database of its own).
import fs from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[2], "utf8")));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}
const out = {};
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  out[event.uid] = [event.startDate.toJSDate().toISOString(), event.endDate.toJSDate().toISOString()];
}
process.stdout.write(JSON.stringify(out));
