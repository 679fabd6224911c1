/*
 * JSON strings from bytes that may not be UTF-8 (file names come from the file system, not from
 * the validated YAML): jansson refuses invalid UTF-8, which would silently drop a field, so
 * invalid bytes become U+FFFD instead. Internal to src/report.
 */
#ifndef BH_REPORT_JSTR_H
#define BH_REPORT_JSTR_H

#include <jansson.h>

/* A new JSON string (or null for NULL); never fails on bad UTF-8. */
json_t *bh_jstr(const char *s);

#endif
