package catalogue

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/auditfleet/auditfleet/result"
)

// areaNames spells out the ICO Accountability Framework areas.
var areaNames = map[string]string{
	"RMS": "Records management and security",
	"BRM": "Breach response and monitoring",
}

// Markdown renders the catalogue of controls as a Markdown document.
func Markdown(controls []result.Control) []byte {
	var b bytes.Buffer
	b.WriteString("# Control catalogue\n\n")
	b.WriteString("<!-- Generated from the policies' METADATA by `make docs`; do not edit. -->\n\n")
	b.WriteString("Severity sets the scoring weight and the ICO recommendation priority: critical 10 / Urgent, high 7 / High, medium 4 / Medium, low 1 / Low. ")
	b.WriteString("Areas are those of the ICO Accountability Framework. ")
	b.WriteString("Each control declares what it requires (without it the engine reports `not_assessed`, or `error` when the collector failed, and never evaluates the control), ")
	b.WriteString("what else it reads when present, and the controls whose results it combines.\n\n")
	b.WriteString("| ID | title | area | severity | priority | Cyber Essentials | CIS v8 | ISO 27001:2022 |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, c := range controls {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s | %s | %s |\n",
			c.ID, anchor(c.ID), cell(c.Title), c.Area, c.Severity, c.Severity.Priority(),
			join(c.Mappings.CyberEssentials), join(c.Mappings.CISv8), join(c.Mappings.ISO27001))
	}
	for _, c := range controls {
		fmt.Fprintf(&b, "\n## %s\n\n**%s**: %s\n\n", c.ID, c.ID, c.Title)
		area := c.Area
		if n, ok := areaNames[c.Area]; ok {
			area = fmt.Sprintf("%s (%s)", n, c.Area)
		}
		fmt.Fprintf(&b, "- Area: %s\n- Severity: %s (priority %s, weight %d)\n- Policy: `%s`\n", area, c.Severity, c.Severity.Priority(), c.Severity.Weight(), c.Package)
		fmt.Fprintf(&b, "- Requires: %s\n- Reads: %s\n", inputs(c.Requires), inputs(c.Reads))
		if len(c.Depends) > 0 {
			fmt.Fprintf(&b, "- Combines the results of: %s\n", join(c.Depends))
		}
		if c.Description != "" {
			fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(c.Description))
		}
		if c.Remediation != "" {
			fmt.Fprintf(&b, "\n**Remediation.** %s\n", strings.TrimSpace(c.Remediation))
		}
	}
	return b.Bytes()
}

// inputs lists facts namespaces and organisation data kinds, e.g.
// "facts `accounts`; organisation data `leavers`", or "nothing".
func inputs(in result.Inputs) string {
	var parts []string
	if len(in.Facts) > 0 {
		parts = append(parts, "facts "+code(in.Facts))
	}
	if len(in.Org) > 0 {
		parts = append(parts, "organisation data "+code(in.Org))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, "; ")
}

// code formats names as Markdown code, comma-separated.
func code(names []string) string {
	return "`" + strings.Join(names, "`, `") + "`"
}

func join(s []string) string {
	if len(s) == 0 {
		return "–"
	}
	return strings.Join(s, ", ")
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// anchor is the GitHub-style heading anchor of an ID.
func anchor(id string) string { return strings.ToLower(id) }
