/* Loading a library on first use; see dynlib.h. */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;

static void load(struct bh_dynlib *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *why = dlerror();

		snprintf(lib->error, sizeof(lib->error), "%s", why ? why : "not found");
		lib->state = -1;
		return;
	}
	for (size_t i = 0; i < lib->n; i++) {
		lib->slots[i] = dlsym(h, lib->names[i]);
		if (!lib->slots[i]) {
			snprintf(lib->error, sizeof(lib->error), "%s has no symbol %s", lib->soname,
				 lib->names[i]);
			lib->state = -1;
			return; /* the handle stays open: the process is about to report and stop */
		}
	}
	lib->state = 1;
}

bh_err bh_dynlib_load(struct bh_dynlib *lib, struct bh_diag *diag)
{
	int state;

	pthread_mutex_lock(&load_mu);
	if (lib->state == 0)
		load(lib);
	state = lib->state;
	pthread_mutex_unlock(&load_mu);
	if (state > 0)
		return BH_OK;
	return bh_diag_set(diag, BH_ERR_IO, lib->soname, 0, 0, "cannot load the library: %s",
			   lib->error);
}
