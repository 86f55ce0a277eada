// Files that must survive a crash whole: written to a temporary file in the
// same directory, synced, renamed over the target, and the directory synced,
// so that after a crash at any point the path holds either the old content
// or the new, never a mix, and a rename that was reported is on disk.
// Thread-safe as far as the filesystem is: two writers of the same path race
// for the last rename.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include <absl/status/status.h>

namespace gureum {

// Replaces `path` with `bytes`, created with permission bits `mode` (set
// before the first byte is written, so a secret is never readable by
// others). The temporary file is `.<name>.tmp` beside it (dot-prefixed, so
// directory readers that skip hidden files never see it). Errors name the
// step and the file: NotFound (no such directory), PermissionDenied,
// ResourceExhausted (disk full), Internal otherwise; the temporary file is
// removed on failure.
absl::Status WriteFileAtomically(const std::string& path, std::string_view bytes,
                                 mode_t mode = 0644);

// Makes a finished temporary file the file `path`: syncs it, renames it over
// `path` and syncs the directory. For files written incrementally (blobs).
absl::Status CommitFile(const std::string& temp_path, const std::string& path);

// fsync of a directory, so that renames and creations in it are durable.
absl::Status SyncDirectory(const std::string& dir);

}  // namespace gureum
