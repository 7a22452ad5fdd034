// Package patching defines the "patching" facts namespace, the contract
// between a future patching collector and the ICO-SEC-02 policy (security
// updates applied within the organisation's patch window).
//
// The collector is not implemented yet. It will read, through the host
// root: on Debian and Ubuntu, the apt lists and dpkg status to find pending
// updates from security origins, the timestamps of /var/lib/apt/lists for
// the last index refresh, and /etc/apt/apt.conf.d (20auto-upgrades,
// 50unattended-upgrades) with the unattended-upgrades log; on the RHEL
// family, the dnf or yum metadata cache and updateinfo, and dnf-automatic
// or yum-cron configuration. It records when it first saw each pending
// update, so that how long an update has waited survives between runs.
//
// Its JSON Schema is schemas/patching.schema.json.
package patching
