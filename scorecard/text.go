package scorecard

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the fleet scorecard for a reader in the language of an
// ICO audit report: the assurance rating overall and per area with its
// basis and coverage, areas for improvement by priority, and areas of
// good practice.
func (f *Fleet) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Audit cycle %s — overall assurance: %s\n", f.Cycle, f.Overall.Label())
	fmt.Fprintf(&b, "  %s\n", f.Overall.Basis)
	c := f.Overall.Coverage
	fmt.Fprintf(&b, "  Coverage: %d of %d hosts assessed (%s), %d of %d host-control pairs (%s), %s of the weight\n",
		c.HostsAssessed, c.HostsExpected, pctText(c.Hosts), c.PairsAssessed, c.PairsExpected, pctText(c.Pairs), pctText(c.Weight))
	if len(f.Areas) > 0 {
		b.WriteString("\nAreas:\n")
		for _, a := range f.Areas {
			fmt.Fprintf(&b, "  %-4s %-36s %-13s weighted pass %s, coverage %s of the weight\n", a.Area, a.Name, a.Label(), pctText(a.WeightedPass), pctText(a.Coverage.Weight))
		}
	}
	if len(f.Improvements) > 0 {
		b.WriteString("\nAreas for improvement:\n")
		for _, x := range f.Improvements {
			fmt.Fprintf(&b, "  [%s] %s %s: failing on %d of %d hosts", x.Priority, x.ControlID, x.Title, x.Hosts, x.HostsAssessed)
			if len(x.Sample) > 0 {
				fmt.Fprintf(&b, " (%s)", strings.Join(x.Sample, ", "))
			}
			b.WriteString("\n")
			if x.Remediation != "" {
				fmt.Fprintf(&b, "      %s\n", strings.Join(strings.Fields(x.Remediation), " "))
			}
		}
	}
	if len(f.AcceptedRisks) > 0 {
		b.WriteString("\nAccepted risks (waived failures):\n")
		for _, x := range f.AcceptedRisks {
			fmt.Fprintf(&b, "  %s %s: %d hosts\n", x.ControlID, x.Title, x.Hosts)
		}
	}
	if len(f.GoodPractice) > 0 {
		b.WriteString("\nAreas of good practice:\n")
		for _, x := range f.GoodPractice {
			fmt.Fprintf(&b, "  %s %s: passing on all %d hosts assessed\n", x.ControlID, x.Title, x.HostsAssessed)
		}
	}
	if len(f.MissingHosts) > 0 {
		fmt.Fprintf(&b, "\nHosts that did not report: %s\n", strings.Join(f.MissingHosts, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pctText(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", *v)
}
