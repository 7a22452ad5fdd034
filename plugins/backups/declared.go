package backups

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// applyMarker takes the last success from the job's marker file when the
// repository did not give one. A missing marker is no success, not a
// warning.
func applyMarker(root *hostroot.Root, j *Job, spec JobSpec) sdk.Warnings {
	if spec.Marker == "" || j.LastSuccess != nil {
		return nil
	}
	info, err := root.Stat(spec.Marker)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return []string{fmt.Sprintf("%s: marker: %v", j.ID, err)}
	}
	j.setSuccess(info.ModTime())
	j.Source = spec.Marker
	return nil
}

// declaredJob reads a job of another tool, known only by its marker file.
func declaredJob(root *hostroot.Root, spec JobSpec, mounts mountTable) (Job, []string) {
	j := newJob(spec, "declared")
	j.Repository = RedactURL(spec.Repository)
	if p, ok := localPath(spec.Repository); ok {
		j.OffHost = mounts.offHost(p)
	} else if spec.Repository != "" {
		j.OffHost = ptr(!loopback(remoteHost(spec.Repository)))
	}
	warns := applyMarker(root, &j, spec)
	return declare(j, spec, &warns), warns
}
