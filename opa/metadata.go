package opa

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/auditfleet/auditfleet/result"
)

// controlsRef is data.auditfleet.controls.
var controlsRef = ast.MustParseRef("data." + ControlsPackage)

// idPattern is the shape of control IDs: "ICO-SEC-01".
var idPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)

// readControls reads the package METADATA of every control package (a
// direct sub-package of ControlsPackage) and returns the controls sorted by
// ID. It refuses, naming file and line, a control without metadata, with
// invalid metadata or without a result rule, and duplicate IDs.
func readControls(c *ast.Compiler) ([]result.Control, error) {
	annotations := c.GetAnnotationSet()
	var (
		controls []result.Control
		errs     []error
		seenPkg  = map[string]bool{}
		seenID   = map[string]string{}
	)
	for _, name := range sortedModules(c) {
		mod := c.Modules[name]
		path := mod.Package.Path
		if len(path) != len(controlsRef)+1 || !path.HasPrefix(controlsRef) {
			continue
		}
		pkg := path.String()
		if seenPkg[pkg] {
			continue
		}
		seenPkg[pkg] = true
		loc := mod.Package.Location
		a := annotations.GetPackageScope(mod.Package)
		if a == nil {
			errs = append(errs, locErr(loc, "control package %s has no package METADATA block (title, description, custom: id, area, severity, mappings, remediation)", strings.TrimPrefix(pkg, "data.")))
			continue
		}
		ctl, err := controlFrom(a)
		ctl.Package = strings.TrimPrefix(pkg, "data.")
		if err != nil {
			errs = append(errs, locErr(a.Location, "control package %s: %v", ctl.Package, err))
			continue
		}
		if len(c.GetRulesExact(path.Append(ast.StringTerm(ResultRule)))) == 0 {
			errs = append(errs, locErr(loc, "control %s (package %s) has no %s rule", ctl.ID, ctl.Package, ResultRule))
			continue
		}
		if other, dup := seenID[ctl.ID]; dup {
			errs = append(errs, locErr(a.Location, "control ID %s is used by both %s and %s", ctl.ID, other, ctl.Package))
			continue
		}
		seenID[ctl.ID] = ctl.Package
		controls = append(controls, ctl)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("read control metadata: %w", err)
	}
	if len(controls) == 0 {
		return nil, fmt.Errorf("read control metadata: no control packages under %s", ControlsPackage)
	}
	slices.SortFunc(controls, func(a, b result.Control) int { return strings.Compare(a.ID, b.ID) })
	return controls, nil
}

// controlFrom validates a package annotation and converts it to a Control.
func controlFrom(a *ast.Annotations) (result.Control, error) {
	ctl := result.Control{
		Title:       strings.TrimSpace(a.Title),
		Description: strings.TrimSpace(a.Description),
	}
	var problems []string
	str := func(key string, required bool) string {
		v, ok := a.Custom[key]
		if !ok || v == nil {
			if required {
				problems = append(problems, fmt.Sprintf("custom.%s is missing", key))
			}
			return ""
		}
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			problems = append(problems, fmt.Sprintf("custom.%s must be a non-empty string", key))
			return ""
		}
		return strings.TrimSpace(s)
	}
	ctl.ID = str("id", true)
	ctl.Area = str("area", true)
	ctl.Severity = result.Severity(str("severity", true))
	ctl.Remediation = str("remediation", false)
	if ctl.Title == "" {
		problems = append(problems, "title is missing")
	}
	if ctl.ID != "" && !idPattern.MatchString(ctl.ID) {
		problems = append(problems, fmt.Sprintf("custom.id %q is not an ID like ICO-SEC-01", ctl.ID))
	}
	if ctl.Severity != "" && !ctl.Severity.Valid() {
		problems = append(problems, fmt.Sprintf("custom.severity %q is not one of critical, high, medium, low", ctl.Severity))
	}
	m, err := mappingsFrom(a.Custom["mappings"])
	if err != nil {
		problems = append(problems, err.Error())
	}
	ctl.Mappings = m
	if ctl.Requires, err = inputsFrom("requires", a.Custom["requires"]); err != nil {
		problems = append(problems, err.Error())
	}
	if ctl.Reads, err = inputsFrom("reads", a.Custom["reads"]); err != nil {
		problems = append(problems, err.Error())
	}
	if ctl.Depends, err = dependsFrom(a.Custom["depends"]); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return ctl, errors.New(strings.Join(problems, "; "))
	}
	return ctl, nil
}

// mappingsFrom reads custom.mappings: an object of string lists. Numbers
// are refused, since YAML would read CIS 5.10 as 5.1.
func mappingsFrom(v any) (result.Mappings, error) {
	var m result.Mappings
	if v == nil {
		return m, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return m, errors.New("custom.mappings must be an object")
	}
	for key, raw := range obj {
		var dst *[]string
		switch key {
		case "cyber_essentials":
			dst = &m.CyberEssentials
		case "cis_v8":
			dst = &m.CISv8
		case "iso27001":
			dst = &m.ISO27001
		default:
			return m, fmt.Errorf("custom.mappings.%s is not a known framework (cyber_essentials, cis_v8, iso27001)", key)
		}
		list, ok := raw.([]any)
		if !ok {
			return m, fmt.Errorf("custom.mappings.%s must be a list of strings", key)
		}
		for _, item := range list {
			s, ok := item.(string)
			if !ok {
				return m, fmt.Errorf("custom.mappings.%s must be a list of strings (quote %v)", key, item)
			}
			*dst = append(*dst, s)
		}
	}
	return m, nil
}

// inputsFrom reads custom.requires or custom.reads: an object with
// optional "facts" and "org" lists of names.
func inputsFrom(key string, v any) (result.Inputs, error) {
	var in result.Inputs
	if v == nil {
		return in, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return in, fmt.Errorf("custom.%s must be an object with facts and org lists", key)
	}
	for k, raw := range obj {
		var dst *[]string
		switch k {
		case "facts":
			dst = &in.Facts
		case "org":
			dst = &in.Org
		default:
			return in, fmt.Errorf("custom.%s.%s is not known (facts, org)", key, k)
		}
		list, ok := raw.([]any)
		if !ok {
			return in, fmt.Errorf("custom.%s.%s must be a list of names", key, k)
		}
		for _, item := range list {
			s, ok := item.(string)
			if !ok || !namePattern.MatchString(s) {
				return in, fmt.Errorf("custom.%s.%s: %v is not a name like accounts or data_stores", key, k, item)
			}
			*dst = append(*dst, s)
		}
	}
	return in, nil
}

// dependsFrom reads custom.depends: a list of control IDs.
func dependsFrom(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("custom.depends must be a list of control IDs")
	}
	var ids []string
	for _, item := range list {
		s, ok := item.(string)
		if !ok || !idPattern.MatchString(s) {
			return nil, fmt.Errorf("custom.depends: %v is not a control ID like ICO-SEC-01", item)
		}
		ids = append(ids, s)
	}
	return ids, nil
}

// namePattern is the shape of facts namespaces and organisation data kinds.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func sortedModules(c *ast.Compiler) []string {
	names := make([]string, 0, len(c.Modules))
	for name := range c.Modules {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// locErr prefixes an error with "file:line: ".
func locErr(loc *ast.Location, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if loc == nil {
		return errors.New(msg)
	}
	return fmt.Errorf("%s:%d: %s", loc.File, loc.Row, msg)
}
