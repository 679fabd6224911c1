/*
 * JSON strings from bytes that may not be UTF-8 (file names come from the file system, not from
 * the validated YAML): jansson refuses invalid UTF-8, which would silently drop a field, so
 * invalid bytes become U+FFFD instead. Also the one place JSON documents are serialised, so
 * that every JSON output (reports, --pss verdicts) has the same shape: indented, ASCII, one
 * final newline.
 */
#ifndef BH_REPORT_JSTR_H
#define BH_REPORT_JSTR_H

#include <jansson.h>

#include "core/buf.h"
#include "core/finding.h"

/* A new JSON string (or null for NULL); never fails on bad UTF-8. */
json_t *bh_jstr(const char *s);

/* A finding's properties as one JSON object of strings, in their order. */
json_t *bh_jprops(const struct bh_finding *f);

/*
 * Append root (consumed, even on failure) to out as indented ASCII JSON and a newline; flags
 * adds jansson dump flags such as JSON_SORT_KEYS.
 */
bh_err bh_json_dump(json_t *root, size_t flags, struct bh_buf *out);

#endif
