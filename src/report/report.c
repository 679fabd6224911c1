/* Format dispatch. */
#include "report.h"

#include <string.h>

#include "core/banned.h"

int bh_format_parse(const char *s, enum bh_format *out)
{
	if (!strcmp(s, "text"))
		*out = BH_FMT_TEXT;
	else if (!strcmp(s, "json"))
		*out = BH_FMT_JSON;
	else if (!strcmp(s, "sarif"))
		*out = BH_FMT_SARIF;
	else
		return -1;
	return 0;
}

bh_err bh_report_render(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out)
{
	switch (o->format) {
	case BH_FMT_JSON:
		return bh_report_json(s, o, out);
	case BH_FMT_SARIF:
		return bh_report_sarif(s, o, out);
	case BH_FMT_TEXT:
		break;
	}
	return bh_report_text(s, o, out);
}
