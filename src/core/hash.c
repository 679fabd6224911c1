#include "hash.h"

#include <pthread.h>

#include "core/banned.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static EVP_MD *fetched;

static void fetch(void)
{
	fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

const EVP_MD *bh_sha256_md(void)
{
	pthread_once(&once, fetch);
	/* Without a provider for it (not in a normal build), the legacy handle still works. */
	return fetched ? fetched : EVP_sha256();
}

void bh_sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int mdlen = 0;

	EVP_Digest(data, len, out, &mdlen, bh_sha256_md(), NULL);
}

void bh_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void bh_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];

	bh_sha256(data, len, md);
	bh_hex(md, 32, out);
}
