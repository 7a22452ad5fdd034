// Package catalogue renders the control catalogue document
// (docs/controls.md) from the controls' own metadata, so the document can
// never say something the policies do not.
package catalogue
