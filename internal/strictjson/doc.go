// Package strictjson checks that a JSON text is one value with bounded
// nesting and object size, no repeated object key and nothing but valid
// Unicode, before anything decodes or stores it. encoding/json accepts
// all of these silently (the last duplicate wins, invalid UTF-8 becomes
// U+FFFD, nesting up to 10,000 levels), so a stored document could say
// something other than what was assessed.
package strictjson
