/*
 * Libraries loaded on first use. libgit2 and libarchive bring two dozen shared libraries with
 * them (Kerberos, TLS, SSH, compression, XML, ICU); linked normally, every run of every
 * command would map and relocate all of them before main, which on a virtual machine was a
 * third of the time of a small scan. Only `secrets --git` needs libgit2 and only the image
 * audit needs libarchive and SQLite, so those load them when they start.
 *
 * A library's API is a struct of function pointers typed from its own header (typeof), filled
 * by name from the library the build linked against (its SONAME, recorded by meson).
 */
#ifndef BH_DYNLIB_H
#define BH_DYNLIB_H

#include <stddef.h>

#include "err.h"

struct bh_dynlib {
	const char *soname;
	const char *const *names; /* symbol names, in the order of the slots */
	void **slots;		  /* the API struct, as an array of pointers */
	size_t n;
	int state; /* 0 not tried, 1 loaded, -1 failed (error says why) */
	char error[200];
};

/* Load lib once (thread-safe). BH_OK, or BH_ERR_IO with diag naming the library and why. */
bh_err bh_dynlib_load(struct bh_dynlib *lib, struct bh_diag *diag);

#endif
