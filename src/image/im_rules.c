/*
 * The IM rules: what a built image gives an attacker who gets code execution inside it. Each
 * check receives a struct im_subject: the image (config, final filesystem, archive events) and
 * the facts one walk of the filesystem collected (shells, package managers, SUID files...).
 *
 * Findings name the image file as their location (line 1: an image has no source lines) and
 * carry the path or config field in the message and the fingerprint key, so a baseline keeps
 * working when the image is rebuilt. Secrets are never printed whole: messages show a redacted
 * prefix only.
 */
#include "image.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"
#include "core/scan.h"
#include "oci.h"
#include "secrets/secrets.h"

struct path_list {
	const struct bh_img_node **items;
	size_t n, cap;
};

struct im_subject {
	const struct bh_image *img;
	struct bh_arena *arena;
	struct path_list shells, pms, pips, suid, writable;
};

static const char *const bin_dirs[] = {
	"bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin", "busybox",
};
static const char *const shells[] = {
	"sh", "bash", "ash", "dash", "zsh", "busybox", "ksh", "mksh",
};
static const char *const pkg_managers[] = {
	"apt", "apt-get", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm", "zypper", "tdnf",
};

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static void list_add(struct im_subject *sub, struct path_list *l, const struct bh_img_node *n)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = bh_arena_realloc(sub->arena, l->items, l->cap * sizeof(*l->items),
					   cap * sizeof(*l->items));

		if (!p)
			return; /* out of memory: the finding is lost, the run still ends cleanly */
		l->items = p;
		l->cap = cap;
	}
	l->items[l->n++] = n;
}

static int is_pip(const char *name)
{
	if (!strcmp(name, "pip") || !strcmp(name, "pip2") || !strcmp(name, "pip3"))
		return 1;
	if (!strncmp(name, "pip3.", 5) && isdigit((unsigned char)name[5]))
		return 1;
	return 0;
}

/* An executable name counts when it exists: a symlink must resolve to a regular file. */
static int exists_as_file(const struct bh_image *img, const struct bh_img_node *n)
{
	const struct bh_img_node *t;

	if (n->type == BH_IMG_REG)
		return 1;
	if (n->type != BH_IMG_SYMLINK)
		return 0;
	t = bh_image_resolve(img, n->path);
	return t && t->type == BH_IMG_REG;
}

static void collect(const struct bh_img_node *n, void *ctx)
{
	struct im_subject *sub = ctx;

	if (n->parent && in_list(n->parent->path, bin_dirs, sizeof(bin_dirs) / sizeof(*bin_dirs))) {
		int sh = in_list(n->name, shells, sizeof(shells) / sizeof(*shells));
		int pm = in_list(n->name, pkg_managers,
				 sizeof(pkg_managers) / sizeof(*pkg_managers));
		int pip = is_pip(n->name);

		if ((sh || pm || pip) && exists_as_file(sub->img, n)) {
			if (sh)
				list_add(sub, &sub->shells, n);
			if (pm)
				list_add(sub, &sub->pms, n);
			if (pip)
				list_add(sub, &sub->pips, n);
		}
	}
	if (n->type == BH_IMG_REG && ((n->mode & 06000) || n->caps))
		list_add(sub, &sub->suid, n);
	if ((n->type == BH_IMG_REG || n->type == BH_IMG_DIR) && (n->mode & 0002) &&
	    !(n->type == BH_IMG_DIR && (n->mode & 01000)))
		list_add(sub, &sub->writable, n);
}

/* ---- the config user ---- */

/* The uid that /etc/passwd gives name, or -1 when the name is absent. */
static long passwd_uid(const struct bh_image *img, const char *name, size_t nlen, int *have)
{
	const struct bh_img_node *pw = bh_image_resolve(img, "etc/passwd");
	const char *p, *end;

	*have = pw && pw->data;
	if (!*have)
		return -1;
	for (p = pw->data, end = pw->data + pw->len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *c1, *c2;

		if (!eol)
			eol = end;
		c1 = memchr(p, ':', (size_t)(eol - p));
		if (c1 && (size_t)(c1 - p) == nlen && !memcmp(p, name, nlen)) {
			c2 = memchr(c1 + 1, ':', (size_t)(eol - c1 - 1));
			if (c2 && c2 + 1 < eol && isdigit((unsigned char)c2[1]))
				return strtol(c2 + 1, NULL, 10);
			return -1;
		}
		p = eol + 1;
	}
	return -1;
}

static const char *config_user(const struct bh_image *img)
{
	json_t *u = json_object_get(json_object_get(img->config, "config"), "User");

	return json_is_string(u) ? json_string_value(u) : "";
}

static void check_root_user(struct bh_ctx *ctx, const void *subject)
{
	const struct im_subject *sub = subject;
	const char *user = config_user(sub->img);
	size_t ulen = strcspn(user, ":");
	int have;

	if (!ulen) {
		bh_report_at(ctx, 1, 1, 1, 1, "User",
			     "the image config sets no User, so the container runs as root");
		return;
	}
	if (strspn(user, "0123456789") >= ulen) {
		if (strtol(user, NULL, 10) == 0)
			bh_report_at(ctx, 1, 1, 1, 1, "User",
				     "the image config runs as User \"%s\" (uid 0)", user);
		return;
	}
	if ((ulen == 4 && !memcmp(user, "root", 4)) || passwd_uid(sub->img, user, ulen, &have) == 0)
		bh_report_at(ctx, 1, 1, 1, 1, "User",
			     "the image config runs as User \"%s\", which is uid 0", user);
}

static void check_unknown_user(struct bh_ctx *ctx, const void *subject)
{
	const struct im_subject *sub = subject;
	const char *user = config_user(sub->img);
	size_t ulen = strcspn(user, ":");
	int have;

	if (!ulen || strspn(user, "0123456789") >= ulen)
		return;
	if (passwd_uid(sub->img, user, ulen, &have) < 0 && !(ulen == 4 && !memcmp(user, "root", 4)))
		bh_report_at(ctx, 1, 1, 1, 1, "User", "User \"%s\" is %s", user,
			     have ? "not in the image's /etc/passwd"
				  : "a name, and the image has no /etc/passwd to map it");
}

/* Accounts whose /etc/shadow password field is empty: anyone can become them with su. */
static void check_empty_password(struct bh_ctx *ctx, const void *subject)
{
	const struct im_subject *sub = subject;
	const struct bh_img_node *sh = bh_image_resolve(sub->img, "etc/shadow");
	const char *p, *end;
	unsigned line = 0;

	if (!sh || !sh->data)
		return;
	for (p = sh->data, end = sh->data + sh->len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *c1;

		if (!eol)
			eol = end;
		line++;
		c1 = memchr(p, ':', (size_t)(eol - p));
		if (c1 && c1 > p && c1 + 1 < eol && c1[1] == ':') {
			char *name = bh_arena_strndup(&ctx->scan->arena, p, (size_t)(c1 - p));

			if (name)
				bh_report_at(ctx, 1, 1, 1, 1, name,
					     "account '%s' has an empty password in /etc/shadow:%u",
					     name, line);
		}
		p = eol + 1;
	}
}

/* ---- the filesystem ---- */

static void report_paths(struct bh_ctx *ctx, const struct path_list *l, const char *what)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct bh_img_node *n = l->items[i];
		char *p = bh_arena_printf(&ctx->scan->arena, "/%s", n->path);

		if (p)
			bh_report_at(ctx, 1, 1, 1, 1, p, "%s %s in the final filesystem", what, p);
	}
}

static void check_shell(struct bh_ctx *ctx, const void *subject)
{
	report_paths(ctx, &((const struct im_subject *)subject)->shells, "shell");
}

static void check_pkg_manager(struct bh_ctx *ctx, const void *subject)
{
	report_paths(ctx, &((const struct im_subject *)subject)->pms, "package manager");
}

static void check_pip(struct bh_ctx *ctx, const void *subject)
{
	report_paths(ctx, &((const struct im_subject *)subject)->pips, "pip");
}

static void check_suid(struct bh_ctx *ctx, const void *subject)
{
	const struct path_list *l = &((const struct im_subject *)subject)->suid;

	for (size_t i = 0; i < l->n; i++) {
		const struct bh_img_node *n = l->items[i];
		char *p = bh_arena_printf(&ctx->scan->arena, "/%s", n->path);

		if (!p)
			continue;
		bh_report_at(ctx, 1, 1, 1, 1, p, "%s%s%s%s (mode %04o, owner %u:%u)", p,
			     (n->mode & 04000) ? " setuid" : "", (n->mode & 02000) ? " setgid" : "",
			     n->caps ? " with file capabilities" : "", n->mode, n->uid, n->gid);
	}
}

static void check_world_writable(struct bh_ctx *ctx, const void *subject)
{
	const struct path_list *l = &((const struct im_subject *)subject)->writable;

	for (size_t i = 0; i < l->n; i++) {
		const struct bh_img_node *n = l->items[i];
		char *p = bh_arena_printf(&ctx->scan->arena, "/%s", n->path);

		if (p)
			bh_report_at(ctx, 1, 1, 1, 1, p, "world-writable %s %s (mode %04o)",
				     n->type == BH_IMG_DIR ? "directory without the sticky bit"
							   : "file",
				     p, n->mode);
	}
}

/* ---- secrets in layers ---- */

static void report_events(struct bh_ctx *ctx, const struct bh_image *img,
			  enum bh_img_event_kind kind)
{
	for (size_t i = 0; i < img->nevents; i++) {
		const struct bh_img_event *ev = &img->events[i];
		char *key;

		if (ev->kind != kind)
			continue;
		key = bh_arena_printf(&ctx->scan->arena, "layer%u:/%s:%s", ev->layer + 1, ev->path,
				      ev->detail ? ev->detail : "");
		switch (kind) {
		case BH_IMG_EV_PRIVATE_KEY:
			bh_report_at(
				ctx, 1, 1, 1, 1, key, "private key in /%s:%u (layer %u)%s",
				ev->path, ev->line, ev->layer + 1,
				ev->deleted
					? ", deleted by a later layer but still shipped in the image"
					: "");
			break;
		case BH_IMG_EV_SECRET:
			bh_report_at(
				ctx, 1, 1, 1, 1, key, "secret (%s) in /%s:%u (layer %u)%s",
				ev->detail ? ev->detail : "", ev->path, ev->line, ev->layer + 1,
				ev->deleted
					? ", deleted by a later layer but still shipped in the image"
					: "");
			break;
		case BH_IMG_EV_DOTDOT:
			bh_report_at(
				ctx, 1, 1, 1, 1, key,
				"layer %u has an entry '%s' that climbs out of the root with '..' "
				"(skipped)",
				ev->layer + 1, ev->path);
			break;
		case BH_IMG_EV_HLINK_ESCAPE:
			bh_report_at(
				ctx, 1, 1, 1, 1, key,
				"layer %u has a hard link /%s to '%s' outside the root (skipped)",
				ev->layer + 1, ev->path, ev->detail ? ev->detail : "");
			break;
		case BH_IMG_EV_ABSOLUTE:
			bh_report_at(
				ctx, 1, 1, 1, 1, key,
				"layer %u has an entry with an absolute path '%s' (read relative "
				"to the root)",
				ev->layer + 1, ev->path);
			break;
		case BH_IMG_EV_LINK_ESCAPE:
			bh_report_at(
				ctx, 1, 1, 1, 1, key,
				"layer %u has a symlink /%s -> '%s' that points above the root",
				ev->layer + 1, ev->path, ev->detail ? ev->detail : "");
			break;
		}
	}
}

static void check_layer_secrets(struct bh_ctx *ctx, const void *subject)
{
	report_events(ctx, ((const struct im_subject *)subject)->img, BH_IMG_EV_SECRET);
}

static void check_private_keys(struct bh_ctx *ctx, const void *subject)
{
	report_events(ctx, ((const struct im_subject *)subject)->img, BH_IMG_EV_PRIVATE_KEY);
}

static void check_traversal(struct bh_ctx *ctx, const void *subject)
{
	report_events(ctx, ((const struct im_subject *)subject)->img, BH_IMG_EV_DOTDOT);
	report_events(ctx, ((const struct im_subject *)subject)->img, BH_IMG_EV_HLINK_ESCAPE);
}

static void check_odd_paths(struct bh_ctx *ctx, const void *subject)
{
	report_events(ctx, ((const struct im_subject *)subject)->img, BH_IMG_EV_ABSOLUTE);
	report_events(ctx, ((const struct im_subject *)subject)->img, BH_IMG_EV_LINK_ESCAPE);
}

/* ---- secrets in the config ---- */

/*
 * Whether an environment or build-argument name says its value is a credential. The name is
 * split on '_' so that TOKENIZERS_PARALLELISM or PWD do not match; names that point at a
 * credential rather than hold one (*_FILE, *_PATH, *_URL...) and GPG key ids (dockle) do not count.
 */
int bh_im_secret_name(const char *key, size_t len)
{
	static const char *const words[] = {
		"PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN",	   "SECRET",
		"SECRETS",  "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATEKEY",
	};
	static const char *const key_prefixes[] = {
		"API",	      "ACCESS",	 "PRIVATE", "AUTH",   "SECRET",
		"ENCRYPTION", "SIGNING", "MASTER",  "CLIENT",
	};
	static const char *const pointers[] = {
		"FILE", "PATH",	   "DIR",    "URL",	 "URI",	   "ENDPOINT", "HOST",
		"PORT", "NAME",	   "USER",   "USERNAME", "ID",	   "LENGTH",   "SIZE",
		"TTL",	"TIMEOUT", "EXPIRY", "TYPE",	 "HEADER",
	};
	char up[128], *segs[32];
	size_t ns = 0;

	if (!len || len >= sizeof(up))
		return 0;
	for (size_t i = 0; i < len; i++)
		up[i] = (char)toupper((unsigned char)key[i]);
	up[len] = '\0';
	if (!strcmp(up, "GPG_KEY") || !strcmp(up, "GPG_KEYS"))
		return 0;
	for (char *p = up; *p && ns < 32;) {
		segs[ns++] = p;
		p += strcspn(p, "_-.");
		if (*p)
			*p++ = '\0';
	}
	if (in_list(segs[ns - 1], pointers, sizeof(pointers) / sizeof(*pointers)))
		return 0;
	for (size_t i = 0; i < ns; i++) {
		if (in_list(segs[i], words, sizeof(words) / sizeof(*words)))
			return 1;
		if (i && !strcmp(segs[i], "KEY") &&
		    in_list(segs[i - 1], key_prefixes,
			    sizeof(key_prefixes) / sizeof(*key_prefixes)))
			return 1;
	}
	return 0;
}

/* Values that stand for "no secret here": empty, references, and the usual placeholders. */
int bh_im_placeholder(const char *v, size_t len)
{
	static const char *const words[] = {
		"none",	       "null",	   "nil",   "false",   "true",
		"no",	       "yes",	   "0",	    "1",       "-",
		"placeholder", "redacted", "dummy", "example", "changeme-in-prod",
		"todo",	       "tbd",	   "unset", "empty",
	};
	char low[32];
	size_t i;

	while (len && (*v == '"' || *v == '\'')) {
		v++;
		len--;
	}
	while (len && (v[len - 1] == '"' || v[len - 1] == '\''))
		len--;
	if (!len || *v == '$' || (*v == '<' && v[len - 1] == '>') || *v == '/')
		return 1;
	for (i = 1; i < len && v[i] == v[0]; i++)
		;
	if (i == len && len > 1)
		return 1; /* "xxxx", "****" */
	if (len < sizeof(low)) {
		for (i = 0; i < len; i++)
			low[i] = (char)tolower((unsigned char)v[i]);
		low[len] = '\0';
		if (in_list(low, words, sizeof(words) / sizeof(*words)))
			return 1;
	}
	return 0;
}

static const char *redact(struct bh_arena *a, const char *v, size_t len)
{
	return bh_arena_printf(a, "%.*s***", (int)(len > 3 ? 3 : len / 2), v);
}

struct cfg_secret_ctx {
	struct bh_ctx *ctx;
	const char *where;
};

static void on_cfg_secret(const struct bh_secret_match *m, void *p)
{
	struct cfg_secret_ctx *c = p;

	bh_report_at(c->ctx, 1, 1, 1, 1,
		     bh_arena_printf(&c->ctx->scan->arena, "%s:%s", c->where,
				     m->rule ? m->rule->id : "SE"),
		     "%s holds a credential (%s %s)", c->where, m->rule ? m->rule->id : "SE",
		     m->redacted ? m->redacted : "");
}

static void judge_var(struct bh_ctx *ctx, const char *field, const char *key, size_t klen,
		      const char *value, const char *whole)
{
	struct cfg_secret_ctx c = { ctx, NULL };

	c.where = bh_arena_printf(&ctx->scan->arena, "%s %.*s", field, (int)klen, key);
	if (bh_im_secret_name(key, klen) && !bh_im_placeholder(value, strlen(value))) {
		bh_report_at(ctx, 1, 1, 1, 1, c.where,
			     "config %s holds a secret-looking value (%s)", c.where,
			     redact(&ctx->scan->arena, value, strlen(value)));
		return;
	}
	bh_secrets_scan_buffer(c.where, whole, strlen(whole), on_cfg_secret, &c);
}

static void check_env_secrets(struct bh_ctx *ctx, const void *subject)
{
	const struct im_subject *sub = subject;
	json_t *cfg = json_object_get(sub->img->config, "config");
	json_t *env = json_object_get(cfg, "Env"), *labels = json_object_get(cfg, "Labels"), *v;
	const char *k;

	for (size_t i = 0; i < json_array_size(env); i++) {
		const char *e = json_string_value(json_array_get(env, i));
		const char *eq = e ? strchr(e, '=') : NULL;

		if (eq)
			judge_var(ctx, "Env", e, (size_t)(eq - e), eq + 1, e);
	}
	json_object_foreach(labels, k, v)
	{
		if (json_is_string(v))
			judge_var(ctx, "Labels", k, strlen(k), json_string_value(v),
				  json_string_value(v));
	}
}

static void check_history_secrets(struct bh_ctx *ctx, const void *subject)
{
	const struct im_subject *sub = subject;
	json_t *hist = json_object_get(sub->img->config, "history");

	for (size_t i = 0; i < json_array_size(hist); i++) {
		const char *cb =
			json_string_value(json_object_get(json_array_get(hist, i), "created_by"));
		const char *p;
		struct cfg_secret_ctx c = { ctx, NULL };
		int found = 0;

		if (!cb)
			continue;
		c.where = bh_arena_printf(&ctx->scan->arena, "history[%zu].created_by", i);
		/* NAME=value words: build arguments ("|1 TOKEN=..."), ENV and inline assignments.
		 */
		for (p = cb; *p && !found;) {
			size_t wl = strcspn(p, " \t\n;&|");
			const char *eq = memchr(p, '=', wl);

			if (eq && eq > p && (isalpha((unsigned char)*p) || *p == '_') &&
			    strspn(p,
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
				    (size_t)(eq - p) &&
			    bh_im_secret_name(p, (size_t)(eq - p)) &&
			    !bh_im_placeholder(eq + 1, wl - (size_t)(eq - p) - 1)) {
				bh_report_at(ctx, 1, 1, 1, 1,
					     bh_arena_printf(&ctx->scan->arena, "%s:%.*s", c.where,
							     (int)(eq - p), p),
					     "%s sets %.*s to a secret-looking value (%s): build "
					     "arguments stay in the image history",
					     c.where, (int)(eq - p), p,
					     redact(&ctx->scan->arena, eq + 1,
						    wl - (size_t)(eq - p) - 1));
				found = 1;
			}
			p += wl;
			p += strspn(p, " \t\n;&|");
		}
		if (!found)
			bh_secrets_scan_buffer(c.where, cb, strlen(cb), on_cfg_secret, &c);
	}
}

/* ---- config ---- */

static void check_ssh_port(struct bh_ctx *ctx, const void *subject)
{
	const struct im_subject *sub = subject;
	json_t *ports =
		json_object_get(json_object_get(sub->img->config, "config"), "ExposedPorts");
	const char *k;
	json_t *v;

	json_object_foreach(ports, k, v)
	{
		if (!strcmp(k, "22") || !strcmp(k, "22/tcp"))
			bh_report_at(ctx, 1, 1, 1, 1, "ExposedPorts",
				     "the image exposes port %s (SSH)", k);
	}
}

#define BIG_IMAGE_BYTES (1ull << 30)
#define MANY_LAYERS	40

static void check_size(struct bh_ctx *ctx, const void *subject)
{
	const struct im_subject *sub = subject;

	if (sub->img->bytes > BIG_IMAGE_BYTES || sub->img->nlayers > MANY_LAYERS)
		bh_report_at(ctx, 1, 1, 1, 1, "size",
			     "the image has %zu layers and %llu MiB uncompressed",
			     sub->img->nlayers, (unsigned long long)(sub->img->bytes >> 20));
}

const struct bh_rule bh_im_rules[] = {
	{
		.id = "IM-001",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_HIGH,
		.title = "Image runs as root",
		.attack =
			"Code execution in the agent is root in the container, one kernel bug or mount away from the node.",
		.fix = "Set a numeric non-root USER in the final stage (USER 65532:65532) and rebuild.",
		.refs = "CIS Docker 4.1; dockle CIS-DI-0001",
		.check = check_root_user,
	},
	{
		.id = "IM-002",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_MEDIUM,
		.title = "Image user is not in /etc/passwd",
		.attack =
			"A user name the image cannot resolve makes the runtime fail or fall back unpredictably, and hides which uid really runs.",
		.fix = "Use a numeric USER uid:gid, or add the user to the image's /etc/passwd.",
		.refs = "OCI image spec: config.User",
		.check = check_unknown_user,
	},
	{
		.id = "IM-003",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_MEDIUM,
		.title = "Shell in the final image",
		.attack =
			"A prompt-injected agent turns code execution into an interactive shell and chains tools with it.",
		.fix = "Build the final stage on a distroless or scratch base and copy only the application.",
		.refs = "NIST SP 800-190 4.1.1",
		.check = check_shell,
	},
	{
		.id = "IM-004",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_MEDIUM,
		.title = "Package manager in the final image",
		.attack =
			"An attacker inside the container installs tools (scanners, compilers, netcat) with the image's own package manager.",
		.fix = "Install packages in a build stage and copy the results into a final stage without apt, dpkg, apk or rpm.",
		.refs = "dockle CIS-DI-0003",
		.check = check_pkg_manager,
	},
	{
		.id = "IM-005",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_LOW,
		.title = "pip in the final image",
		.attack =
			"An attacker installs arbitrary Python packages at runtime with the image's pip.",
		.fix = "Install Python dependencies in a build stage (pip install --target) and leave pip out of the final stage.",
		.refs = "CIS Docker Benchmark 4.3 (do not install unnecessary packages)",
		.check = check_pip,
	},
	{
		.id = "IM-006",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_MEDIUM,
		.title = "SUID/SGID file or file capabilities",
		.attack =
			"A setuid or capability-carrying binary lets a non-root process regain privileges inside the container.",
		.fix = "Remove the file or its bits in the Dockerfile (chmod u-s,g-s) and set allowPrivilegeEscalation: false.",
		.refs = "CIS Docker 4.8; dockle CIS-DI-0008",
		.check = check_suid,
	},
	{
		.id = "IM-007",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_MEDIUM,
		.title = "World-writable path without the sticky bit",
		.attack =
			"Any user in the container can replace or plant files there, including code another process runs.",
		.fix = "chmod o-w the path, or make a shared directory sticky (chmod 1777) like /tmp.",
		.refs = "CIS Docker 4",
		.check = check_world_writable,
	},
	{
		.id = "IM-008",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_CRITICAL,
		.title = "Secret in an image layer",
		.attack =
			"Anyone who can pull the image extracts the credential from its layer, even when a later layer deleted the file.",
		.fix = "Rotate the credential, then pass it at build time with a BuildKit secret mount (RUN --mount=type=secret) or at runtime.",
		.refs = "CIS Docker 4.10; dockle CIS-DI-0010",
		.check = check_layer_secrets,
	},
	{
		.id = "IM-009",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_CRITICAL,
		.title = "Private key in an image layer",
		.attack =
			"Anyone who can pull the image gets the private key, even when a later layer deleted it.",
		.fix = "Revoke the key, rebuild without it (a secret mount, or a multi-stage build that never copies it) and inject keys at runtime.",
		.refs = "CIS Docker 4.10",
		.check = check_private_keys,
	},
	{
		.id = "IM-010",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_HIGH,
		.title = "Secret in the image config Env or Labels",
		.attack =
			"The environment is readable by anyone who pulls the image or can inspect the container.",
		.fix = "Rotate the credential and inject it at runtime from a Kubernetes Secret (secretKeyRef), not with ENV.",
		.refs = "CIS Docker 4.10; dockle CIS-DI-0010",
		.check = check_env_secrets,
	},
	{
		.id = "IM-011",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_HIGH,
		.title = "Secret in the image history",
		.attack =
			"Build arguments and ENV values used in RUN steps are recorded in the image history that anyone who pulls it can read.",
		.fix = "Rotate the credential and use BuildKit secret mounts instead of ARG or ENV for credentials.",
		.refs = "Docker docs: build secrets",
		.check = check_history_secrets,
	},
	{
		.id = "IM-012",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_MEDIUM,
		.title = "Image exposes SSH (port 22)",
		.attack =
			"An SSH daemon in an agent container is a second way in that bypasses the agent's own controls.",
		.fix = "Remove EXPOSE 22 and the SSH server; use kubectl exec or ephemeral debug containers.",
		.refs = "CIS Docker 5.7",
		.check = check_ssh_port,
	},
	{
		.id = "IM-013",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_HIGH,
		.title = "Layer entry escapes the root",
		.attack =
			"A naive extractor writes '..' entries or hard links outside the target directory, overwriting host files.",
		.fix = "Rebuild the layer with a standard tool; do not pull or extract images from this source.",
		.refs = "CVE-2019-14271; OCI image spec: layer filesystem changeset",
		.check = check_traversal,
	},
	{
		.id = "IM-014",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_LOW,
		.title = "Layer entry with an absolute path or a symlink above the root",
		.attack =
			"Extractors that do not clamp absolute names or relative links write or read outside the target directory.",
		.fix = "Rebuild the layer with relative names and links that stay inside the root.",
		.refs = "OCI image spec: layer filesystem changeset",
		.check = check_odd_paths,
	},
	{
		.id = "IM-015",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_INFO,
		.title = "Large image or many layers",
		.attack =
			"Large images carry more unused software to exploit and slow down pulls when agents scale out.",
		.fix = "Use a multi-stage build on a minimal base and squash build-only layers.",
		.refs = "CIS Docker Benchmark 4.3 (do not install unnecessary packages)",
		.check = check_size,
	},
	{
		.id = "IM-016",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_HIGH,
		.title = "Account with an empty password",
		.attack =
			"Any process in the container becomes that account (root, often) with su and no password.",
		.fix = "Lock the account in /etc/shadow ('*' or '!' as the password) or remove it.",
		.refs = "dockle DKL-LI-0001; CIS Docker 4",
		.check = check_empty_password,
	},
	{
		/* Reported by `bulkhead vuln` (src/vuln), not by the image audit: matching needs
		 * the advisory database that `bulkhead db import` builds. Each finding carries the
		 * advisory's own severity; this one stands for advisories that give none. */
		.id = "IM-017",
		.layer = BH_LAYER_IM,
		.severity = BH_SEV_MEDIUM,
		.title = "Package with a known vulnerability",
		.attack =
			"Attackers exploit published vulnerabilities in installed packages, with public exploits for many, once they reach the agent's process or input.",
		.fix = "Upgrade the package to the fixed version the finding names (rebuild on an updated base image for OS packages); where no fix exists, remove the package or accept the risk with a suppression that says why.",
		.refs = "OSV schema (affected ranges and events); CVSS v3.1 specification, section 5 (qualitative severity rating scale)",
	},
};
const size_t bh_im_nrules = sizeof(bh_im_rules) / sizeof(*bh_im_rules);

bh_err bh_image_audit(struct bh_scan *s, const struct bh_image *img)
{
	struct im_subject sub = { .img = img, .arena = &s->arena };
	struct bh_ctx ctx = { .scan = s, .file = img->label };

	bh_image_walk(img, collect, &sub);
	bh_rules_run(&ctx, bh_im_rules, bh_im_nrules, &sub);
	return BH_OK;
}
