// Package orgdata parses and validates the organisation data the
// assurance team provides: thresholds, the leavers list, approved admins,
// the continuity plan register, declared personal-data stores, host tags,
// the secure baseline and waivers. Each kind is one YAML file (the leavers
// list may also be CSV), and Set gathers them and hands them to the
// policies as data.org.
//
// Validation is strict and complete: unknown fields, dates that are not
// dates, duplicates, out-of-range numbers, malformed globs and waivers for
// unknown controls are refused, each error naming the file, line and field,
// and a file with any error is refused as a whole. docs/org-data.md
// describes every format and rule.
package orgdata
