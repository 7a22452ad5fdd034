// Package sshdconfig splits OpenSSH server configuration files into
// keyword lines, for the collectors that read sshd settings. Following
// Include and Match, and what each keyword means, is left to them.
package sshdconfig
