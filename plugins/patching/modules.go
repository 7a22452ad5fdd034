package patching

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Where dnf keeps module stream state and local module defaults.
const (
	modulesStateDir    = "/etc/dnf/modules.d"
	modulesDefaultsDir = "/etc/dnf/modules.defaults.d"
)

// Limits of the module metadata read.
const (
	// modulesLimit bounds a repository's modules metadata once
	// decompressed (RHEL 8's AppStream, the largest, is some MiB).
	modulesLimit = 256 << 20
	// maxModuleFiles bounds the files of modules.d and modules.defaults.d.
	maxModuleFiles = 10_000
)

// moduleRef is the module stream an updateinfo collection belongs to.
type moduleRef struct {
	Name, Stream string
}

// moduleStreams is which module streams are active on the host, as dnf
// decides when it filters advisories: a collection of an advisory that
// names modules applies only when one of them is an active stream. A
// module's active stream is the one enabled in /etc/dnf/modules.d; a
// module disabled there has none; otherwise its default stream (from
// /etc/dnf/modules.defaults.d, else the repositories' modules metadata),
// if any, is active.
type moduleStreams struct {
	enabled  map[string]string // module -> stream enabled in modules.d
	disabled map[string]bool   // modules disabled in modules.d
	defaults map[string]string // module -> default stream
	// unread are the sources of defaults that could not be read; they
	// matter only for a module without enabled or disabled state.
	unread []Unread
	// used reports whether a default was needed while unread was not
	// empty, so that the active streams are not fully known.
	used bool
}

// active reports whether any of the modules is an active stream.
func (m *moduleStreams) active(mods []moduleRef) bool {
	for _, r := range mods {
		if s, ok := m.enabled[r.Name]; ok && s != "" {
			if s == r.Stream {
				return true
			}
			continue
		}
		if m.disabled[r.Name] {
			continue
		}
		if len(m.unread) > 0 {
			m.used = true
		}
		if s, ok := m.defaults[r.Name]; ok && s == r.Stream {
			return true
		}
	}
	return false
}

// readModuleStreams reads the module state of modules.d, the local
// defaults of modules.defaults.d and the default streams of the
// repositories' modules metadata. Unreadable state files are unread
// sources at once (they decide which streams are active); unreadable
// defaults are kept in m.unread, reported only if a default is needed.
func readModuleStreams(ctx context.Context, root *hostroot.Root, repos []dnfRepo, unread *[]Unread, w *sdk.Warnings) *moduleStreams {
	m := &moduleStreams{enabled: map[string]string{}, disabled: map[string]bool{}, defaults: map[string]string{}}
	for _, p := range moduleFiles(root, modulesStateDir, ".module", unread, w) {
		data, err := root.ReadFile(p, confLimit)
		if err != nil {
			w.Add("%v; the module streams it enables or disables are unknown", err)
			*unread = append(*unread, Unread{Path: p, Reason: err.Error()})
			continue
		}
		for name, kv := range iniSections(data) {
			if n := kv["name"]; n != "" {
				name = n
			}
			switch strings.ToLower(kv["state"]) {
			case "enabled":
				m.enabled[name] = kv["stream"]
			case "disabled":
				m.disabled[name] = true
			}
		}
	}
	// Repository defaults first, local ones override them.
	repoDefaults := map[string]string{}
	conflicts := map[string]bool{}
	for _, r := range repos {
		if r.modules == "" {
			continue
		}
		if err := readModuleDefaults(ctx, root, r.modules, func(mod, stream string) {
			if old, ok := repoDefaults[mod]; ok && old != stream {
				conflicts[mod] = true
			}
			repoDefaults[mod] = stream
		}); err != nil {
			m.unread = append(m.unread, Unread{Path: r.modules, Reason: err.Error()})
		}
	}
	for mod, s := range repoDefaults {
		// Repositories that disagree on a default leave none (libmodulemd
		// merges defaults of equal priority so).
		if !conflicts[mod] {
			m.defaults[mod] = s
		}
	}
	for _, p := range moduleFiles(root, modulesDefaultsDir, ".yaml", &m.unread, nil) {
		if err := readModuleDefaults(ctx, root, p, func(mod, stream string) { m.defaults[mod] = stream }); err != nil {
			m.unread = append(m.unread, Unread{Path: p, Reason: err.Error()})
		}
	}
	return m
}

// report adds the unread sources of module defaults to unread when a
// default was needed.
func (m *moduleStreams) report(unread *[]Unread, w *sdk.Warnings) {
	if !m.used {
		return
	}
	for _, u := range m.unread {
		w.Add("%s: %s; the default streams of modules are unknown, so advisories of modules without an enabled stream are not counted", u.Path, u.Reason)
		*unread = append(*unread, u)
	}
}

// moduleFiles lists the files of dir ending in ext. An unreadable
// directory is added to unread (and warned about when w is not nil).
func moduleFiles(root *hostroot.Root, dir, ext string, unread *[]Unread, w *sdk.Warnings) []string {
	ents, err := root.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			if w != nil {
				w.Add("%v; module streams unknown", err)
			}
			*unread = append(*unread, Unread{Path: dir, Reason: err.Error()})
		}
		return nil
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ext) {
			continue
		}
		if len(out) == maxModuleFiles {
			*unread = append(*unread, Unread{Path: dir, Reason: fmt.Sprintf("more than %d files; the rest are not read", maxModuleFiles)})
			break
		}
		out = append(out, path.Join(dir, e.Name()))
	}
	return out
}

// moduleDoc is the part of a modulemd document the collector reads: the
// default stream of a modulemd-defaults document.
type moduleDoc struct {
	Document string `yaml:"document"`
	Data     struct {
		Module string `yaml:"module"`
		Stream string `yaml:"stream"`
	} `yaml:"data"`
}

// readModuleDefaults reads a modules metadata file (YAML documents,
// plain or compressed) and calls fn for each modulemd-defaults document
// with a default stream.
func readModuleDefaults(ctx context.Context, root *hostroot.Root, p string, fn func(module, stream string)) error {
	rc, err := openMetadata(root, p)
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: modulesLimit + 1}
	d := yaml.NewDecoder(lr)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var doc moduleDoc
		err := d.Decode(&doc)
		if lr.N <= 0 {
			return fmt.Errorf("read %s: %w (limit %d bytes)", p, hostroot.ErrTooLarge, modulesLimit)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if doc.Document == "modulemd-defaults" && doc.Data.Module != "" && doc.Data.Stream != "" {
			fn(doc.Data.Module, doc.Data.Stream)
		}
	}
}
