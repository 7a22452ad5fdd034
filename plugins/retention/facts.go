package retention

import "time"

// Namespace is where the retention facts appear in the facts document.
const Namespace = "retention"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "retention" namespace: for each personal-data store
// declared for this host, how old its oldest item is and whether
// soft-deleted items are really deleted. Every timestamp is UTC.
type Facts struct {
	// Stores are the declared data stores, as checked.
	Stores []Store `json:"stores"`
}

// Store is one declared data store.
type Store struct {
	// ID is the store's declared ID (data.org.data_stores[].id).
	ID string `json:"id"`
	// Path is the directory checked.
	Path string `json:"path"`
	// Exists is false when nothing is at Path.
	Exists bool `json:"exists"`
	// Items is how many live items (files) were found, soft-deleted ones
	// excluded.
	Items int `json:"items"`
	// OldestItem is the modification time of the oldest live item; null
	// when there are none.
	OldestItem *time.Time `json:"oldest_item"`
	// PastRetention is how many live items are older than the retention
	// period plus grace the collector was configured with.
	PastRetention int `json:"past_retention"`
	// SoftDeleted is how many items carry the store's soft-delete marker.
	SoftDeleted int `json:"soft_deleted"`
	// OldestSoftDeleted is when the longest-deleted item was marked
	// deleted (the marker file's modification time, or a renamed item's
	// change time; see the package documentation); null when there are
	// none.
	OldestSoftDeleted *time.Time `json:"oldest_soft_deleted"`
	// SoftDeletedPastPurge is how many soft-deleted items were marked
	// longer ago than the purge window the collector was configured with.
	SoftDeletedPastPurge int `json:"soft_deleted_past_purge"`
	// Truncated is true when the walk stopped at its entry limit, or a
	// directory of the store could not be listed, so the counts are lower
	// bounds and OldestItem may not be the oldest.
	Truncated bool `json:"truncated"`
}
