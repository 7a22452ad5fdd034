package lifecycle

// productPolicy is one row of the product table: what endoflife.date does
// not tell us about a product.
type productPolicy struct {
	// Key is the endoflife.date product key.
	Key string
	// Match recognises the product from os-release; nil when it cannot be
	// recognised from the os facts yet.
	Match *Match
	// Extended describes the programme behind the eoes dates; zero when
	// the product has none.
	Extended ExtendedSupport
}

// Entitlement names granting paid extended support. The os collector
// reports them in os.entitlements; an organisation can also grant them in
// config (data.config.entitlements).
const (
	EntitlementUbuntuPro = "ubuntu-pro"
	EntitlementRHELELS   = "rhel-els"
	EntitlementOracleES  = "oracle-extended-support"
	EntitlementSLESLTSS  = "sles-ltss"
	EntitlementWindowsES = "windows-esu"
)

// productTable lists every product in the endoflife.date reference file.
// Build refuses a source product missing here, so a new product gets an
// explicit decision rather than silently going unmatched.
var productTable = []productPolicy{
	// AlmaLinux: os-release ID "almalinux", VERSION_ID "9.4"; release
	// cycles are major versions. eol is the end of security support; there
	// is no extended support programme.
	{Key: "almalinux", Match: &Match{IDs: []string{"almalinux"}, VersionComponents: []int{1}}},

	// Alpine: ID "alpine", VERSION_ID is the full point release "3.20.3";
	// cycles are "3.20". No extended support.
	{Key: "alpine-linux", Match: &Match{IDs: []string{"alpine"}, VersionComponents: []int{2}}},

	// Amazon Linux: ID "amzn", VERSION_ID "2023", "2" or, for the old AMI,
	// "2018.03" — each exactly a cycle: two components are tried first
	// (for "2018.03"), then one. eol is "Security Support"; AWS sells no
	// support beyond it.
	{Key: "amazon-linux", Match: &Match{IDs: []string{"amzn"}, VersionComponents: []int{2, 1}}},

	// CentOS Stream shares ID "centos" with CentOS Linux; only NAME
	// ("CentOS Stream" vs "CentOS Linux") tells them apart. Cycles are the
	// major VERSION_ID "9". No extended support.
	{Key: "centos-stream", Match: &Match{IDs: []string{"centos"}, NameContains: "stream", VersionComponents: []int{1}}},

	// CentOS Linux: ID "centos", NAME "CentOS Linux" (7 and 8; 6 had no
	// os-release), VERSION_ID "7". Third-party paid support for CentOS 7
	// exists but has no common entitlement, so none is modelled: such
	// hosts need a waiver.
	{Key: "centos", Match: &Match{IDs: []string{"centos"}, NameContains: "centos linux", VersionComponents: []int{1}}},

	// Debian: ID "debian", VERSION_ID "12" (the point release lives in
	// /etc/debian_version, not in VERSION_ID). eol is the end of support by
	// the Debian security team; eoes is the end of Debian LTS, which is
	// free and applies to every host without any subscription. Paid ELTS
	// beyond that is not in the data.
	{
		Key:      "debian",
		Match:    &Match{IDs: []string{"debian"}, VersionComponents: []int{1}},
		Extended: ExtendedSupport{Kind: Free, Name: "Debian LTS"},
	},

	// Fedora: ID "fedora", VERSION_ID "40". No extended support.
	{Key: "fedora", Match: &Match{IDs: []string{"fedora"}, VersionComponents: []int{1}}},

	// macOS has no os-release. We assume the darwin os collector reports
	// ID "macos" and VERSION_ID from sw_vers ProductVersion ("14.5",
	// "10.15.7"): cycles are "14" from macOS 11 on and "10.15" before, so
	// two components are tried first, then one. eol false means Apple
	// still ships security updates.
	{Key: "macos", Match: &Match{IDs: []string{"macos"}, VersionComponents: []int{2, 1}}},

	// openSUSE Leap: ID "opensuse-leap" (Leap 15 on), "opensuse" (Leap 42
	// and 13.x); VERSION_ID "15.6" is the cycle. Tumbleweed
	// ("opensuse-tumbleweed") is rolling and not in the data.
	{Key: "opensuse", Match: &Match{IDs: []string{"opensuse-leap", "opensuse"}, VersionComponents: []int{2}}},

	// Oracle Linux: ID "ol", VERSION_ID "9.4", cycles are majors. eol is
	// the end of Premier Support; Extended Support after it is a paid
	// Oracle Linux Support add-on.
	{
		Key:      "oracle-linux",
		Match:    &Match{IDs: []string{"ol"}, VersionComponents: []int{1}},
		Extended: ExtendedSupport{Kind: Paid, Name: "Oracle Linux Extended Support", Entitlement: EntitlementOracleES},
	},

	// RHEL: ID "rhel", VERSION_ID "9.4", cycles are majors. eol is the end
	// of Maintenance Support; Extended Life Cycle Support (ELS) is a paid
	// add-on subscription.
	{
		Key:      "rhel",
		Match:    &Match{IDs: []string{"rhel"}, VersionComponents: []int{1}},
		Extended: ExtendedSupport{Kind: Paid, Name: "RHEL Extended Life Cycle Support", Entitlement: EntitlementRHELELS},
	},

	// Rocky Linux: ID "rocky", VERSION_ID "9.4", cycles are majors. No
	// extended support programme.
	{Key: "rocky-linux", Match: &Match{IDs: []string{"rocky"}, VersionComponents: []int{1}}},

	// SLES: ID "sles", VERSION_ID "15.6" (service pack as minor); the GA
	// release has VERSION_ID "15", padded to cycle "15.0". eol is the end
	// of General Support for the service pack; Long Term Service Pack
	// Support (LTSS) is paid. SLES for SAP ("sles_sap") has its own,
	// longer lifecycle and is deliberately not matched.
	{
		Key:      "sles",
		Match:    &Match{IDs: []string{"sles"}, VersionComponents: []int{2}},
		Extended: ExtendedSupport{Kind: Paid, Name: "SUSE LTSS", Entitlement: EntitlementSLESLTSS},
	},

	// Ubuntu: ID "ubuntu", VERSION_ID "22.04" is the cycle. eol is the end
	// of standard security maintenance; Expanded Security Maintenance
	// (LTS releases only) needs an attached Ubuntu Pro subscription with
	// esm-infra enabled. Pro is free for a few personal machines, but an
	// organisation's host must show the entitlement.
	{
		Key:      "ubuntu",
		Match:    &Match{IDs: []string{"ubuntu"}, VersionComponents: []int{2}},
		Extended: ExtendedSupport{Kind: Paid, Name: "Ubuntu Pro ESM", Entitlement: EntitlementUbuntuPro},
	},

	// Windows Server and Windows: no os-release, and the cycle depends on
	// edition and servicing channel ("2012-r2", "10-22h2", "11-24h2-e"),
	// which the os facts do not carry yet, so they are not matched and
	// report not_assessed. Extended Security Updates are paid.
	{
		Key:      "windows-server",
		Extended: ExtendedSupport{Kind: Paid, Name: "Windows Extended Security Updates", Entitlement: EntitlementWindowsES},
	},
	{
		Key:      "windows",
		Extended: ExtendedSupport{Kind: Paid, Name: "Windows Extended Security Updates", Entitlement: EntitlementWindowsES},
	},
}

// policyFor returns the table entry for an endoflife.date product key.
func policyFor(key string) (productPolicy, bool) {
	for _, p := range productTable {
		if p.Key == key {
			return p, true
		}
	}
	return productPolicy{}, false
}
