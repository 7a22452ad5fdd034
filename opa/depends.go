package opa

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/result"
)

// levels orders the controls (sorted by ID) for evaluation by their
// custom.depends: level 0 holds the controls that depend on none, and a
// control is one level above the highest of its dependencies. It returns
// the indexes of each level's controls, in ID order. It refuses a
// dependency on an unknown ID and a cycle, naming the controls.
func levels(controls []result.Control) ([][]int, error) {
	index := make(map[string]int, len(controls))
	for i, c := range controls {
		index[c.ID] = i
	}
	var errs []error
	for _, c := range controls {
		for _, d := range c.Depends {
			if _, ok := index[d]; !ok {
				errs = append(errs, fmt.Errorf("control %s depends on %s, which is not a control", c.ID, d))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	level := make([]int, len(controls))
	state := make([]byte, len(controls)) // 0 unvisited, 1 on the path, 2 done
	var visit func(i int, path []string) error
	visit = func(i int, path []string) error {
		switch state[i] {
		case 1:
			cycle := append(path[slices.Index(path, controls[i].ID):], controls[i].ID)
			return fmt.Errorf("controls depend on each other in a cycle: %s", strings.Join(cycle, " -> "))
		case 2:
			return nil
		}
		state[i] = 1
		for _, d := range controls[i].Depends {
			j := index[d]
			if err := visit(j, append(path, controls[i].ID)); err != nil {
				return err
			}
			level[i] = max(level[i], level[j]+1)
		}
		state[i] = 2
		return nil
	}
	for i := range controls {
		if err := visit(i, nil); err != nil {
			return nil, err
		}
	}
	var out [][]int
	for i, l := range level {
		for len(out) <= l {
			out = append(out, nil)
		}
		out[l] = append(out[l], i)
	}
	return out, nil
}
