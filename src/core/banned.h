/*
 * Unsafe libc calls, blocked at compile time. A .c file includes this after its system headers
 * (their prototypes would otherwise expand the macros); a use of one of these then fails to
 * compile with a name that says what to use instead. tests/lint/banned.sh checks that no source
 * file calls them, so a file that forgets the include is still caught.
 */
#ifndef BH_BANNED_H
#define BH_BANNED_H

#define BH_BANNED(func) sorry_##func##_is_banned_use_snprintf_or_bh_buf

#undef strcpy
#define strcpy(x, y) BH_BANNED(strcpy)
#undef strcat
#define strcat(x, y) BH_BANNED(strcat)
#undef sprintf
#define sprintf(...) BH_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BH_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BH_BANNED(strtok)
#undef gets
#define gets(x) BH_BANNED(gets)
#undef atoi
#define atoi(x) BH_BANNED(atoi)

#endif
