// Package textcheck tells a text file that was read in full from one
// that holds binary data or was cut short: collectors that parse
// configuration files and logs line by line use it to report such a file
// as not read in full, instead of taking what parses as all there is.
package textcheck
