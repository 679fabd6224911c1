/* Unit tests of the network layer's set algebra: CIDRs, IP sets, port sets and their printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "network/np.h"

static struct np_iprange cidr(const char *s)
{
	struct np_iprange r;
	char why[128];

	assert_int_equal(np_cidr_parse(s, &r, why, sizeof(why)), 0);
	return r;
}

static void assert_range(const struct np_iprange *r, const char *want)
{
	struct bh_buf b;

	bh_buf_init(&b, 0);
	assert_int_equal(np_iprange_format(r, &b), BH_OK);
	assert_string_equal(bh_buf_str(&b), want);
	bh_buf_release(&b);
}

static void test_cidr(void **state)
{
	struct np_iprange r;
	char why[128];

	(void)state;
	r = cidr("10.0.0.0/8");
	assert_range(&r, "10.0.0.0-10.255.255.255");
	r = cidr("0.0.0.0/0");
	assert_range(&r, "0.0.0.0-255.255.255.255");
	r = cidr("169.254.169.254/32");
	assert_range(&r, "169.254.169.254-169.254.169.254");
	r = cidr("10.1.2.3/16"); /* host bits are masked, as net.ParseCIDR does */
	assert_range(&r, "10.1.0.0-10.1.255.255");
	r = cidr("fd00:ec2::254/128");
	assert_int_equal(r.v6, 1);
	assert_range(&r, "fd00:ec2::254-fd00:ec2::254");
	r = cidr("::/0");
	assert_range(&r, "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	r = cidr("2001:db8::/65");
	assert_range(&r, "2001:db8::-2001:db8::7fff:ffff:ffff:ffff");
	assert_int_not_equal(np_cidr_parse("A", &r, why, sizeof(why)), 0);
	assert_int_not_equal(np_cidr_parse("10.0.0.0/33", &r, why, sizeof(why)), 0);
	assert_int_not_equal(np_cidr_parse("10.0.0.0/", &r, why, sizeof(why)), 0);
	assert_int_not_equal(np_cidr_parse("10.0.0/8", &r, why, sizeof(why)), 0);
	assert_int_not_equal(np_cidr_parse("::/129", &r, why, sizeof(why)), 0);
	assert_int_not_equal(np_cidr_parse("10.0.0.0/-1", &r, why, sizeof(why)), 0);
}

static void test_ipset_except(void **state)
{
	struct np_ipset s = { 0 };
	struct np_iprange all = cidr("0.0.0.0/0"), md = cidr("169.254.169.254/32");
	struct np_iprange ali = cidr("100.100.100.200/32"), probe;

	(void)state;
	assert_int_equal(np_ipset_add(&s, &all), BH_OK);
	assert_int_equal(np_ipset_sub(&s, &md), BH_OK);
	assert_int_equal(np_ipset_sub(&s, &ali), BH_OK);
	assert_int_equal(s.n, 3);
	assert_range(&s.v[0], "0.0.0.0-100.100.100.199");
	assert_range(&s.v[1], "100.100.100.201-169.254.169.253");
	assert_range(&s.v[2], "169.254.169.255-255.255.255.255");
	assert_int_equal(np_ipset_covers(&s, &md), 0);
	assert_int_equal(np_ip_parse("8.8.8.8", &probe), 0);
	assert_int_equal(np_ipset_covers(&s, &probe), 1);
	/* IPv4 sets never cover IPv6 addresses, and the reverse. */
	assert_int_equal(np_ip_parse("fd00:ec2::254", &probe), 0);
	assert_int_equal(np_ipset_covers(&s, &probe), 0);
	assert_int_equal(np_ipset_overlaps(&s, &probe), 0);
	/* Adding back the holes merges everything into one range. */
	assert_int_equal(np_ipset_add(&s, &md), BH_OK);
	assert_int_equal(np_ipset_add(&s, &ali), BH_OK);
	assert_int_equal(s.n, 1);
	assert_range(&s.v[0], "0.0.0.0-255.255.255.255");
	np_ipset_free(&s);
}

static void test_ipset_v6_edges(void **state)
{
	struct np_ipset s = { 0 };
	struct np_iprange all = cidr("::/0"), top = cidr("ffff::/16"), low = cidr("::/1");

	(void)state;
	assert_int_equal(np_ipset_add(&s, &all), BH_OK);
	assert_int_equal(np_ipset_sub(&s, &top), BH_OK);
	assert_int_equal(np_ipset_sub(&s, &low), BH_OK);
	assert_int_equal(s.n, 1);
	assert_range(&s.v[0], "8000::-fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	np_ipset_free(&s);
}

static void assert_conn(const struct np_conn *c, const char *want)
{
	struct bh_buf b;

	bh_buf_init(&b, 0);
	assert_int_equal(np_conn_format(c, &b), BH_OK);
	assert_string_equal(bh_buf_str(&b), want);
	bh_buf_release(&b);
}

static void test_conn(void **state)
{
	struct np_conn a = { 0 }, b = { 0 };

	(void)state;
	assert_conn(&a, "No Connections");
	assert_int_equal(np_conn_add(&a, NP_TCP, 8080, 8080), BH_OK);
	assert_int_equal(np_conn_add(&a, NP_TCP, 80, 80), BH_OK);
	assert_int_equal(np_conn_add(&a, NP_TCP, 81, 90), BH_OK);
	assert_int_equal(np_conn_add(&a, NP_UDP, 53, 53), BH_OK);
	assert_int_equal(np_conn_add(&a, NP_SCTP, 9090, 9090), BH_OK);
	assert_conn(&a, "SCTP 9090,TCP 80-90,8080,UDP 53");
	/* Adjacent intervals merge. */
	assert_int_equal(np_conn_add(&a, NP_TCP, 91, 8079), BH_OK);
	assert_conn(&a, "SCTP 9090,TCP 80-8080,UDP 53");
	assert_int_equal(np_conn_set_all(&b), BH_OK);
	assert_conn(&b, "All Connections");
	assert_int_equal(np_conn_intersect(&b, &a), BH_OK);
	assert_conn(&b, "SCTP 9090,TCP 80-8080,UDP 53");
	np_conn_clear(&b);
	assert_int_equal(np_conn_add(&b, NP_TCP, 1, 100), BH_OK);
	assert_int_equal(np_conn_add(&b, NP_TCP, 8000, 9000), BH_OK);
	assert_int_equal(np_conn_intersect(&b, &a), BH_OK);
	assert_conn(&b, "TCP 80-100,8000-8080");
	assert_int_equal(np_conn_has(&b, NP_TCP, 8080), 1);
	assert_int_equal(np_conn_has(&b, NP_TCP, 8081), 0);
	assert_int_equal(np_conn_has(&b, NP_UDP, 80), 0);
	/* Full ranges on all three protocols print as All Connections. */
	np_conn_clear(&a);
	assert_int_equal(np_conn_add(&a, NP_UDP, 1, 65535), BH_OK);
	assert_int_equal(np_conn_add(&a, NP_TCP, 1, 65535), BH_OK);
	assert_conn(&a, "TCP 1-65535,UDP 1-65535");
	assert_int_equal(np_conn_add(&a, NP_SCTP, 1, 65535), BH_OK);
	assert_conn(&a, "All Connections");
	np_conn_free(&a);
	np_conn_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_ipset_except),
		cmocka_unit_test(test_ipset_v6_edges),
		cmocka_unit_test(test_conn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
