/*
 * The value of a base64 digit, in either alphabet (RFC 4648's standard '+' '/' and URL-safe
 * '-' '_'): the secret detector decodes what it finds and the signing layer what cosign writes,
 * and neither can know which alphabet it will meet.
 */
#ifndef BH_B64_H
#define BH_B64_H

/* 0-63, or -1 for anything that is not a base64 digit (padding included). */
static inline int bh_b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

#endif
