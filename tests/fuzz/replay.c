/*
 * Replays a fuzz corpus through a target without libFuzzer: every file in the given
 * directories is passed to LLVMFuzzerTestOneInput once. A crash or sanitizer report fails the
 * test; the target's own return value is ignored, as libFuzzer ignores it.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *e;

		if (!d) {
			fprintf(stderr, "replay: cannot open %s\n", argv[i]);
			return 1;
		}
		while ((e = readdir(d))) {
			char path[4096];
			char *data = NULL;
			size_t len = 0;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (bh_fs_read(path, 64u << 20, &data, &len, NULL))
				continue;
			LLVMFuzzerTestOneInput((const uint8_t *)data, len);
			free(data);
			n++;
		}
		closedir(d);
	}
	printf("replayed %zu inputs\n", n);
	return n ? 0 : 1;
}
