// Package firstseen keeps, per host, when each pending security update
// (package and candidate version) was first seen in a report. Package
// lists only say since when an update was offered at the latest (the date
// of the list that offers it), so a host whose lists are refreshed daily
// would always look a day behind; the first report that showed the update
// pending bounds it better. The server keeps a Record per host in object
// storage and the agent one in its state directory for offline scans;
// package assess applies it to a report before the policies see it.
package firstseen
