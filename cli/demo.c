/*
 * demo.c — `invoicectl demo`: a realistic data set, loaded in bulk.
 *
 * Shape. Invoices are "slots" 0..N-1 spread evenly over a span of days that
 * ends today (UTC), so invoice dates grow with the id and the gap-free
 * numbers (PREFIX-YYYY-NNNNNN per year, credit notes CN-YYYY-NNNNNN) are in
 * date order. Everything about a slot is a pure function of (seed, slot):
 * each slot has its own PRNG streams (plan, lines, payments, misc), so a
 * credit note can regenerate the line it credits, and a pre-pass can count
 * usage lines to spread the usage records exactly.
 *
 * Speed. One LOAD DATA LOCAL INFILE per table (db_load). The invoices load
 * drives the generator; while it streams, the rows of the dependent tables
 * (lines, tax totals, payments, allocations, usage, audit, mail, custom
 * fields) go to unlinked temporary files, which are loaded next. Ids are
 * explicit, so nothing is read back. Memory stays flat: the customers, a
 * ring of recent invoice numbers and the I/O buffers.
 *
 * Safety. Everything runs in one transaction (db_tx) with foreign key and
 * unique checks off (InnoDB then loads empty tables in bulk); any failure
 * rolls all of it back. LOAD DATA LOCAL turns bad values into warnings,
 * which db_load reports as errors, and every load's row count is checked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "demo.h"
#include "auth.h"
#include "buf.h"
#include "date.h"
#include "money.h"

/* ------------------------------------------------------------------ PRNG */

/* splitmix64: small, fast, and every seed gives a full-period stream. */
struct rng {
	uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n) (Lemire's multiply-shift; n = 0 gives 0). */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static long long rng_range(struct rng *r, long long lo, long long hi)
{
	return hi <= lo ? lo : lo + (long long)rng_below(r, (uint64_t)(hi - lo + 1));
}

/* Streams: one independent PRNG per (purpose, index). */
enum { S_PLAN = 1, S_LINES, S_USAGE, S_PAY, S_MISC, S_CUST, S_CREDIT, S_UNBILLED, S_PKG };

static struct rng rng_for(uint64_t seed, unsigned stream, uint64_t i)
{
	struct rng r;

	r.s = mix64(mix64(seed * 0x2545f4914f6cdd1dULL + stream) ^ (i * 0xd1b54a32d192ed03ULL + 1));
	return r;
}

/* ----------------------------------------------------------------- dates */

/* Day numbers are days since 1970-01-01 (date.h). */
static int year_of(long day)
{
	return date_civil(day).y;
}

static int days_in_month(long day)
{
	struct date c = date_civil(day);

	return date_mdays(c.y, c.m);
}

static long month_start(long day)
{
	struct date c = date_civil(day);

	return (long)date_days(c.y, c.m, 1);
}

/* Monday on or before day (1970-01-01 was a Thursday). */
static long week_start(long day)
{
	return day - ((day % 7 + 7 + 3) % 7);
}

static void fmt_date(long day, char out[11])
{
	if (date_format(date_civil(day), out))   /* the demo's days are all within years 1..9999 */
		out[0] = '\0';
}

/* ----------------------------------------------------------------- sinks */

/* A row buffer: in memory (the stream a LOAD reads) or spilling to a file. */
struct sink {
	char *buf;
	size_t len, cap;
	FILE *f;
	long long rows;
	int err;                    /* errno of the first failure */
};

#define SINK_CAP (256u * 1024u)
#define ROW_MAX 16384u          /* no row is longer: reserved before each row */

/* An unlinked temporary file in $TMPDIR (tmpfile() would ignore TMPDIR;
 * the large run spills about 2.5 GB). */
static FILE *spill_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	FILE *f;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, sizeof(path), "%s/invoicectl-demo-XXXXXX", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	unlink(path);
	f = fdopen(fd, "w+");
	if (!f)
		close(fd);
	return f;
}

static ierr sink_open(struct sink *s, int spill)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(SINK_CAP);
	if (!s->buf)
		return IE_NOMEM;
	s->cap = SINK_CAP;
	if (spill) {
		s->f = spill_file();
		if (!s->f) {
			free(s->buf);
			s->buf = NULL;
			return IE_IO;
		}
	}
	return IE_OK;
}

static void sink_close(struct sink *s)
{
	if (s->f)
		fclose(s->f);
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static void sink_flush(struct sink *s)
{
	if (s->f && s->len) {
		if (fwrite(s->buf, 1, s->len, s->f) != s->len && !s->err)
			s->err = errno ? errno : EIO;
		s->len = 0;
	}
}

/* Makes room for n more bytes. */
static int sink_need(struct sink *s, size_t n)
{
	char *p;
	size_t cap;

	if (s->err)
		return 0;
	if (s->cap - s->len > n)
		return 1;
	sink_flush(s);
	if (s->cap - s->len > n)
		return 1;
	cap = s->cap * 2 > s->len + n + 1 ? s->cap * 2 : s->len + n + 1;
	p = realloc(s->buf, cap);
	if (!p) {
		s->err = ENOMEM;
		return 0;
	}
	s->buf = p;
	s->cap = cap;
	return 1;
}

static void put_raw(struct sink *s, const char *p, size_t n)
{
	if (!sink_need(s, n))
		return;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void put_c(struct sink *s, char c)
{
	if (!sink_need(s, 1))
		return;
	s->buf[s->len++] = c;
}

#define TAB(s) put_c((s), '\t')

static void put_end(struct sink *s)
{
	put_c(s, '\n');
	s->rows++;
}

static void put_null(struct sink *s)
{
	put_raw(s, "\\N", 2);
}

static void put_u(struct sink *s, unsigned long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_raw(s, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* An id, or \N for 0. */
static void put_id(struct sink *s, long long id)
{
	if (id > 0)
		put_u(s, (unsigned long long)id);
	else
		put_null(s);
}

/* Text with LOAD DATA's escapes (\\ \t \n \r); NULL pointer -> \N. */
static void put_str(struct sink *s, const char *str)
{
	const char *p;

	if (!str) {
		put_null(s);
		return;
	}
	for (p = str; *p; p++) {
		switch (*p) {
		case '\\': put_raw(s, "\\\\", 2); break;
		case '\t': put_raw(s, "\\t", 2); break;
		case '\n': put_raw(s, "\\n", 2); break;
		case '\r': put_raw(s, "\\r", 2); break;
		default: put_c(s, *p); break;
		}
	}
}

/* A JSON string literal inside a LOAD DATA field (JSON escapes, then LOAD's). */
static void put_jstr(struct sink *s, const char *str)
{
	const unsigned char *p;

	put_c(s, '"');
	for (p = (const unsigned char *)str; *p; p++) {
		if (*p == '"') {
			put_raw(s, "\\\\\"", 3);
		} else if (*p == '\\') {
			put_raw(s, "\\\\\\\\", 4);
		} else if (*p == '\n') {
			put_raw(s, "\\\\n", 3);
		} else if (*p < 0x20) {
			char tmp[8];

			snprintf(tmp, sizeof(tmp), "\\\\u%04x", *p);
			put_raw(s, tmp, strlen(tmp));
		} else {
			put_c(s, (char)*p);
		}
	}
	put_c(s, '"');
}

/* A fixed-point value as decimal text (money_to_decimal). */
static void put_dec(struct sink *s, int64_t v, int decimals)
{
	char tmp[48];

	if (money_to_decimal(v, decimals, tmp, sizeof(tmp))) {
		s->err = ERANGE;
		return;
	}
	put_raw(s, tmp, strlen(tmp));
}

static void put_date(struct sink *s, long day)
{
	char tmp[11];

	if (day < 0) {
		put_null(s);
		return;
	}
	fmt_date(day, tmp);
	put_raw(s, tmp, 10);
}

static void put_datetime(struct sink *s, long long t)
{
	char tmp[24];
	long day = (long)(t / 86400);
	int sec = (int)(t % 86400);

	if (t <= 0) {
		put_null(s);
		return;
	}
	fmt_date(day, tmp);
	snprintf(tmp + 10, sizeof(tmp) - 10, " %02d:%02d:%02d", sec / 3600, sec / 60 % 60, sec % 60);
	put_raw(s, tmp, 19);
}

/* ------------------------------------------------------------ world data */

struct city {
	const char *name, *post, *region, *tz;
	int tzoff;
};

struct country {
	const char *code, *currency, *tz, *locale;
	int tzoff;                  /* minutes east of UTC, standard time */
	int eu;
	const char *vat_prefix, *vat_suffix;
	int vat_digits;
	const char *phone;
	int jp_style;               /* suffix first, no spaces */
	int number_first;           /* "12 rue de ..." */
	int weight;
	const char *const *a, *const *b, *const *sfx, *const *streets;
	const struct city *cities;
	int na, nb, nsfx, nstreets, ncities;
};

#define N(x) ((int)(sizeof(x) / sizeof((x)[0])))

static const char *const de_a[] = { "Rhein", "Spree", "Elbe", "Main", "Alpen", "Nord", "Süd", "Hanse",
	"Müller", "Schäfer", "Köhler", "Weiß", "Groß", "Böhm", "Jäger", "Bergmann" };
static const char *const de_b[] = { "Netz", "Daten", "Telekom", "Hosting", "Cloud", "Kommunikation",
	"Systeme", "Rechenzentrum", "Datentechnik", "Netzwerke", "IT-Service", "Glasfaser" };
static const char *const de_s[] = { "GmbH", "AG", "GmbH & Co. KG" };
static const char *const de_st[] = { "Königstraße", "Schloßallee", "Hauptstraße", "Bahnhofstraße",
	"Gänsemarkt", "Friedrichstraße" };
static const struct city de_c[] = { { "Berlin", "10115", "BE", NULL, 0 }, { "München", "80331", "BY", NULL, 0 },
	{ "Köln", "50667", "NW", NULL, 0 }, { "Düsseldorf", "40213", "NW", NULL, 0 },
	{ "Frankfurt am Main", "60311", "HE", NULL, 0 }, { "Nürnberg", "90402", "BY", NULL, 0 } };

static const char *const fr_a[] = { "Société", "Groupe", "Compagnie", "Réseau", "Atelier", "Maison" };
static const char *const fr_b[] = { "Générale d'Hébergement", "Parisienne des Télécoms", "Lyonnaise de Données",
	"Numérique de l'Ouest", "Méditerranée Réseaux", "Bretonne d'Informatique", "des Câbles Électriques" };
static const char *const fr_s[] = { "SARL", "SAS", "SA" };
static const char *const fr_st[] = { "rue de l'Église", "avenue des Champs-Élysées", "boulevard Saint-Michel",
	"rue du Faubourg Saint-Honoré", "quai de la Rapée" };
static const struct city fr_c[] = { { "Paris", "75008", "", NULL, 0 }, { "Lyon", "69002", "", NULL, 0 },
	{ "Marseille", "13001", "", NULL, 0 }, { "Nantes", "44000", "", NULL, 0 } };

static const char *const pl_a[] = { "Łódź", "Kraków", "Gdańsk", "Poznań", "Wrocław", "Śląsk", "Żabka", "Białystok" };
static const char *const pl_b[] = { "Telekom", "Dane", "Sieci", "Hosting", "Łączność", "Światłowód" };
static const char *const pl_s[] = { "Sp. z o.o.", "S.A.", "Sp. j." };
static const char *const pl_st[] = { "ul. Piotrkowska", "ul. Długa", "ul. Świętokrzyska", "al. Jerozolimskie" };
static const struct city pl_c[] = { { "Łódź", "90-001", "", NULL, 0 }, { "Kraków", "30-001", "", NULL, 0 },
	{ "Gdańsk", "80-001", "", NULL, 0 }, { "Wrocław", "50-001", "", NULL, 0 } };

static const char *const cz_a[] = { "Škoda", "Brno", "Praha", "Ostrava", "Plzeň", "Čechy", "Morava", "Šumava" };
static const char *const cz_b[] = { "Telecom", "Data", "Síť", "Hosting", "Spoje", "Optika" };
static const char *const cz_s[] = { "s.r.o.", "a.s.", "v.o.s." };
static const char *const cz_st[] = { "Václavské náměstí", "Náměstí Svobody", "Korunní", "Třída Kpt. Jaroše" };
static const struct city cz_c[] = { { "Praha", "110 00", "", NULL, 0 }, { "Brno", "602 00", "", NULL, 0 },
	{ "Plzeň", "301 00", "", NULL, 0 }, { "České Budějovice", "370 01", "", NULL, 0 } };

static const char *const jp_a[] = { "東京", "大阪", "名古屋", "札幌", "福岡", "横浜", "京都", "神戸" };
static const char *const jp_b[] = { "テレコム", "データ", "クラウド", "ネット", "通信", "システム" };
static const char *const jp_s[] = { "株式会社", "合同会社" };
static const char *const jp_st[] = { "丸の内1-1-1", "梅田2-4-9", "栄3-5-12", "天神1-10-1" };
static const struct city jp_c[] = { { "東京都千代田区", "100-0005", "東京都", NULL, 0 },
	{ "大阪市北区", "530-0001", "大阪府", NULL, 0 }, { "名古屋市中区", "460-0008", "愛知県", NULL, 0 } };

static const char *const gb_a[] = { "Albion", "Thames", "Pennine", "Highland", "Cotswold", "Mersey", "Severn", "Solent" };
static const char *const gb_b[] = { "Networks", "Telecom", "Hosting", "Data", "Cloud", "Communications", "Fibre" };
static const char *const gb_s[] = { "Ltd", "plc", "LLP" };
static const char *const gb_st[] = { "Baker Street", "High Street", "Station Road", "Church Lane", "King's Road" };
static const struct city gb_c[] = { { "London", "EC1A 1BB", "", NULL, 0 }, { "Manchester", "M1 1AE", "", NULL, 0 },
	{ "Edinburgh", "EH1 1YZ", "", NULL, 0 }, { "Bristol", "BS1 4DJ", "", NULL, 0 } };

static const char *const us_a[] = { "Acme", "Pioneer", "Summit", "Lakeside", "Redwood", "Liberty", "Frontier", "Keystone" };
static const char *const us_b[] = { "Cloud", "Networks", "Communications", "Data", "Hosting", "Telecom", "Systems" };
static const char *const us_s[] = { "Inc.", "LLC", "Corp." };
static const char *const us_st[] = { "Main Street", "Market Street", "Broadway", "5th Avenue", "Elm Street" };
static const struct city us_c[] = { { "New York", "10001", "NY", "America/New_York", -300 },
	{ "Chicago", "60601", "IL", "America/Chicago", -360 },
	{ "San Francisco", "94105", "CA", "America/Los_Angeles", -480 },
	{ "Austin", "78701", "TX", "America/Chicago", -360 } };

static const char *const kw_a[] = { "Al-Mutawa", "Al-Sabah", "Gulf", "Burgan", "Failaka", "Al-Ahmadi" };
static const char *const kw_b[] = { "Telecom", "Data", "Networks", "Communications", "Technology" };
static const char *const kw_s[] = { "W.L.L.", "K.S.C.C.", "Co." };
static const char *const kw_st[] = { "Al-Shuhada Street", "Fahad Al-Salem Street", "Gulf Road" };
static const struct city kw_c[] = { { "Kuwait City", "13001", "", NULL, 0 }, { "Hawalli", "32001", "", NULL, 0 } };

static const char *const ch_a[] = { "Grüezi", "Zürich", "Léman", "Alpstein", "Säntis", "Rigi", "Aare" };
static const char *const ch_b[] = { "Hosting", "Telekom", "Datacenter", "Informatik", "Netzwerk" };
static const char *const ch_s[] = { "AG", "SA", "GmbH" };
static const char *const ch_st[] = { "Bahnhofstrasse", "Rue du Rhône", "Limmatquai", "Spitalgasse" };
static const struct city ch_c[] = { { "Zürich", "8001", "ZH", NULL, 0 }, { "Genève", "1201", "GE", NULL, 0 },
	{ "Lausanne", "1003", "VD", NULL, 0 }, { "Bern", "3011", "BE", NULL, 0 } };

static const char *const se_a[] = { "Ångström", "Fjäll", "Norr", "Älv", "Sjö", "Skåne", "Göta" };
static const char *const se_b[] = { "Data", "Nät", "Telekom", "Drift", "Kommunikation" };
static const char *const se_s[] = { "AB", "HB" };
static const char *const se_st[] = { "Drottninggatan", "Kungsgatan", "Södra Förstadsgatan", "Storgatan" };
static const struct city se_c[] = { { "Stockholm", "111 52", "", NULL, 0 }, { "Göteborg", "411 04", "", NULL, 0 },
	{ "Malmö", "211 20", "", NULL, 0 } };

static const char *const at_a[] = { "Donau", "Tirol", "Wiener", "Steirische", "Salzach", "Kärntner" };
static const char *const at_b[] = { "Netz", "Datendienste", "Telekom", "Rechenzentrum", "Glasfaser" };
static const char *const at_s[] = { "GmbH", "AG", "KG" };
static const char *const at_st[] = { "Mariahilfer Straße", "Kärntner Straße", "Herrengasse", "Getreidegasse" };
static const struct city at_c[] = { { "Wien", "1010", "", NULL, 0 }, { "Graz", "8010", "", NULL, 0 },
	{ "Salzburg", "5020", "", NULL, 0 } };

static const char *const es_a[] = { "Señor Núñez", "Ibérica", "Cantábrico", "Castilla", "Andalucía", "Galicia" };
static const char *const es_b[] = { "Telecomunicaciones", "Redes", "Datos", "Alojamiento", "Comunicaciones" };
static const char *const es_s[] = { "S.L.", "S.A." };
static const char *const es_st[] = { "Calle de Alcalá", "Avenida de la Constitución", "Calle Mayor", "Paseo de Gràcia" };
static const struct city es_c[] = { { "Madrid", "28013", "", NULL, 0 }, { "A Coruña", "15001", "", NULL, 0 },
	{ "Málaga", "29015", "", NULL, 0 } };

/* Greek, Cyrillic and Hebrew script (the PDFs draw every script): only the
 * specials live here (weight 0: no generated customer does). */
static const char *const gr_a[] = { "Αιγαίο", "Ολυμπος", "Ακρόπολη" };
static const char *const gr_b[] = { "Δίκτυα", "Τηλεπικοινωνίες", "Δεδομένα" };
static const char *const gr_s[] = { "Α.Ε.", "Ε.Π.Ε." };
static const char *const gr_st[] = { "Οδός Ερμού", "Λεωφόρος Συγγρού", "Οδός Αθηνάς" };
static const struct city gr_c[] = { { "Αθήνα", "105 63", "Αττική", NULL, 0 },
	{ "Θεσσαλονίκη", "546 21", "Μακεδονία", NULL, 0 } };

static const char *const bg_a[] = { "Балкан", "Витоша", "Родопи" };
static const char *const bg_b[] = { "Телеком", "Мрежи", "Данни" };
static const char *const bg_s[] = { "ЕООД", "АД", "ООД" };
static const char *const bg_st[] = { "бул. Витоша", "ул. Граф Игнатиев", "бул. България" };
static const struct city bg_c[] = { { "София", "1000", "", NULL, 0 }, { "Пловдив", "4000", "", NULL, 0 } };

static const char *const il_a[] = { "כרמל", "גליל", "ירושלים" };
static const char *const il_b[] = { "תקשורת", "נתונים", "רשתות" };
static const char *const il_s[] = { "בע\"מ" };
static const char *const il_st[] = { "רחוב הרצל", "שדרות רוטשילד", "רחוב יפו" };
static const struct city il_c[] = { { "תל אביב-יפו", "6688101", "", NULL, 0 },
	{ "חיפה", "3303101", "", NULL, 0 } };

static const struct country countries[] = {
	{ "DE", "EUR", "Europe/Berlin", "de", 60, 1, "DE", "", 9, "+49 30 ", 0, 0, 26,
	  de_a, de_b, de_s, de_st, de_c, N(de_a), N(de_b), N(de_s), N(de_st), N(de_c) },
	{ "FR", "EUR", "Europe/Paris", "fr", 60, 1, "FR", "", 11, "+33 1 ", 0, 1, 10,
	  fr_a, fr_b, fr_s, fr_st, fr_c, N(fr_a), N(fr_b), N(fr_s), N(fr_st), N(fr_c) },
	{ "AT", "EUR", "Europe/Vienna", "de", 60, 1, "ATU", "", 8, "+43 1 ", 0, 0, 5,
	  at_a, at_b, at_s, at_st, at_c, N(at_a), N(at_b), N(at_s), N(at_st), N(at_c) },
	{ "ES", "EUR", "Europe/Madrid", "es", 60, 1, "ESB", "", 8, "+34 91 ", 0, 0, 5,
	  es_a, es_b, es_s, es_st, es_c, N(es_a), N(es_b), N(es_s), N(es_st), N(es_c) },
	{ "PL", "PLN", "Europe/Warsaw", "pl", 60, 1, "PL", "", 10, "+48 42 ", 0, 0, 8,
	  pl_a, pl_b, pl_s, pl_st, pl_c, N(pl_a), N(pl_b), N(pl_s), N(pl_st), N(pl_c) },
	{ "CZ", "CZK", "Europe/Prague", "cs", 60, 1, "CZ", "", 8, "+420 2 ", 0, 0, 5,
	  cz_a, cz_b, cz_s, cz_st, cz_c, N(cz_a), N(cz_b), N(cz_s), N(cz_st), N(cz_c) },
	{ "SE", "SEK", "Europe/Stockholm", "sv", 60, 1, "SE", "01", 10, "+46 8 ", 0, 0, 4,
	  se_a, se_b, se_s, se_st, se_c, N(se_a), N(se_b), N(se_s), N(se_st), N(se_c) },
	{ "GB", "GBP", "Europe/London", "en", 0, 0, "GB", "", 9, "+44 20 ", 0, 0, 12,
	  gb_a, gb_b, gb_s, gb_st, gb_c, N(gb_a), N(gb_b), N(gb_s), N(gb_st), N(gb_c) },
	{ "US", "USD", "America/New_York", "en", -300, 0, "", "", 0, "+1 212 ", 0, 1, 12,
	  us_a, us_b, us_s, us_st, us_c, N(us_a), N(us_b), N(us_s), N(us_st), N(us_c) },
	{ "JP", "JPY", "Asia/Tokyo", "ja", 540, 0, "", "", 0, "+81 3 ", 1, 0, 5,
	  jp_a, jp_b, jp_s, jp_st, jp_c, N(jp_a), N(jp_b), N(jp_s), N(jp_st), N(jp_c) },
	{ "KW", "KWD", "Asia/Kuwait", "ar", 180, 0, "", "", 0, "+965 2 ", 0, 0, 3,
	  kw_a, kw_b, kw_s, kw_st, kw_c, N(kw_a), N(kw_b), N(kw_s), N(kw_st), N(kw_c) },
	{ "CH", "CHF", "Europe/Zurich", "de", 60, 0, "CHE-", " MWST", 9, "+41 44 ", 0, 0, 5,
	  ch_a, ch_b, ch_s, ch_st, ch_c, N(ch_a), N(ch_b), N(ch_s), N(ch_st), N(ch_c) },
	{ "GR", "EUR", "Europe/Athens", "el", 120, 1, "EL", "", 9, "+30 21 ", 0, 0, 0,
	  gr_a, gr_b, gr_s, gr_st, gr_c, N(gr_a), N(gr_b), N(gr_s), N(gr_st), N(gr_c) },
	{ "BG", "EUR", "Europe/Sofia", "bg", 120, 1, "BG", "", 9, "+359 2 ", 0, 0, 0,
	  bg_a, bg_b, bg_s, bg_st, bg_c, N(bg_a), N(bg_b), N(bg_s), N(bg_st), N(bg_c) },
	{ "IL", "USD", "Asia/Jerusalem", "he", 120, 0, "", "", 0, "+972 3 ", 0, 0, 0,
	  il_a, il_b, il_s, il_st, il_c, N(il_a), N(il_b), N(il_s), N(il_st), N(il_c) },
};

enum { C_DE, C_FR, C_AT, C_ES, C_PL, C_CZ, C_SE, C_GB, C_US, C_JP, C_KW, C_CH, C_GR, C_BG, C_IL };

/* Currencies of the packages, with a fixed demo exchange rate to EUR (x 10^4). */
static const struct { const char *code; int64_t per_eur; } currencies[] = {
	{ "EUR", 10000 }, { "USD", 10800 }, { "GBP", 8600 }, { "JPY", 1600000 }, { "KWD", 3300 },
	{ "CHF", 9500 }, { "PLN", 43000 }, { "CZK", 250000 }, { "SEK", 115000 },
};

/* Voice destinations: EUR price per minute (6 decimals). */
static const struct { const char *name; int64_t eur6; } dests[] = {
	{ "Germany fixed (+49)", 4500 }, { "Germany mobile (+49)", 12900 },
	{ "France mobile (+33)", 18500 }, { "United Kingdom mobile (+44)", 16000 },
	{ "USA and Canada (+1)", 6000 }, { "Poland mobile (+48)", 9800 },
	{ "Japan mobile (+81)", 52000 }, { "Kuwait (+965)", 89000 },
	{ "Switzerland mobile (+41)", 41000 }, { "Czech Republic mobile (+420)", 11200 },
};
#define NDEST N(dests)

/* VAT treatments (EN 16931 categories); the seller is domestic in Seller.Country. */
struct vat {
	const char *cat;
	int64_t rate;               /* percent x 10^4 */
	const char *code, *reason, *desc;
};
static const struct vat vats[] = {
	{ "S", 190000, "", "", "VAT 19%" },
	{ "S", 70000, "", "", "VAT 7%" },
	{ "E", 0, "VATEX-EU-132-1A", "Exempt: postal services (Art. 132(1)(a) Directive 2006/112/EC)", "VAT exempt" },
	{ "AE", 0, "VATEX-EU-AE", "Reverse charge", "Reverse charge" },
	{ "K", 0, "VATEX-EU-IC", "Intra-Community supply", "Intra-Community supply" },
	{ "G", 0, "VATEX-EU-G", "Export outside the EU", "Export" },
	{ "O", 0, "VATEX-EU-O", "Not subject to VAT", "Not subject to VAT" },
};
enum { V_S19, V_S7, V_E, V_AE, V_K, V_G, V_O, NVAT };

enum pkind { PK_REC, PK_USAGE, PK_ONEOFF };
enum vclass { VC_SERVICE, VC_GOODS, VC_PRINT, VC_POSTAGE };

struct ptmpl {
	const char *name, *desc, *unit;
	enum pkind kind;
	int64_t eur6;
	enum vclass vc;
	int dest;                   /* usage: index into dests */
};

static const char long_ds64[] =
	"AMD EPYC 7313P (16 cores), 64 GB ECC RAM, 2 x 1.92 TB NVMe in RAID 1, 1 Gbit/s unmetered "
	"uplink, 5 static IPv4 addresses and a routed /56 IPv6 prefix, out-of-band management (IPMI), "
	"remote hands 30 minutes per month included. Rack H3-17, data centre FRA-2, Frankfurt am Main. "
	"Service level: 99.95% availability, 4 h hardware replacement.";

/* Package templates: the same catalogue in every currency. */
static const struct ptmpl ptmpls[] = {
	/* recurring: telecom 0-3, hosting 4-7 */
	{ "Business Fibre 100", "Symmetric fibre access, 100 Mbit/s", "MON", PK_REC, 39900000, VC_SERVICE, 0 },
	{ "Business Fibre 500", "Symmetric fibre access, 500 Mbit/s", "MON", PK_REC, 79900000, VC_SERVICE, 0 },
	{ "SIP Trunk, 10 channels", "SIP trunk with 10 concurrent channels and 100 DIDs", "MON", PK_REC, 49000000, VC_SERVICE, 0 },
	{ "Static IPv4 /29", "Eight static IPv4 addresses", "MON", PK_REC, 12000000, VC_SERVICE, 0 },
	{ "Cloud Server S (2 vCPU, 4 GB RAM)", "Virtual server, 80 GB SSD", "MON", PK_REC, 19900000, VC_SERVICE, 0 },
	{ "Cloud Server L (8 vCPU, 32 GB RAM)", "Virtual server, 640 GB SSD", "MON", PK_REC, 119000000, VC_SERVICE, 0 },
	{ "Dedicated Server DS-64", long_ds64, "MON", PK_REC, 189000000, VC_SERVICE, 0 },
	{ "Managed Backup 1 TB", "Encrypted off-site backup, 30 days retention", "MON", PK_REC, 24500000, VC_SERVICE, 0 },
	/* usage: one rate per destination, 8-17 */
	{ "Voice, Germany fixed", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 0 },
	{ "Voice, Germany mobile", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 1 },
	{ "Voice, France mobile", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 2 },
	{ "Voice, United Kingdom mobile", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 3 },
	{ "Voice, USA and Canada", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 4 },
	{ "Voice, Poland mobile", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 5 },
	{ "Voice, Japan mobile", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 6 },
	{ "Voice, Kuwait", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 7 },
	{ "Voice, Switzerland mobile", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 8 },
	{ "Voice, Czech Republic mobile", "Per minute, billed per second", "MIN", PK_USAGE, 0, VC_SERVICE, 9 },
	/* one-off 18-23 */
	{ "Router installation on site", "Technician visit, installation and acceptance test", "C62", PK_ONEOFF, 89000000, VC_SERVICE, 0 },
	{ "SIM card", "Multi-SIM card, activated", "C62", PK_ONEOFF, 4900000, VC_GOODS, 0 },
	{ "FRITZ!Box 5590 Fiber router", "Fibre router with Wi-Fi 6 and DECT", "C62", PK_ONEOFF, 249000000, VC_GOODS, 0 },
	{ "Printed technical handbook", "Operations handbook, printed and bound", "C62", PK_ONEOFF, 19900000, VC_PRINT, 0 },
	{ "Postage and handling", "Letter post", "C62", PK_ONEOFF, 3500000, VC_POSTAGE, 0 },
	{ "Consulting and engineering", "Network engineering, per hour", "HUR", PK_ONEOFF, 95000000, VC_SERVICE, 0 },
};
#define NPT N(ptmpls)
enum { PT_FIBRE100, PT_FIBRE500, PT_SIP, PT_IPV4, PT_CLOUD_S, PT_CLOUD_L, PT_DS64, PT_BACKUP,
       PT_USAGE0, PT_INSTALL = 18, PT_SIM, PT_ROUTER, PT_HANDBOOK, PT_POSTAGE, PT_CONSULT };

enum sched { SCH_NONE, SCH_DAILY, SCH_WEEKLY, SCH_MONTHLY };
enum grp { GRP_NONE, GRP_DEST, GRP_DAY };
static const char *const sched_names[] = { "none", "daily", "weekly", "monthly" };
static const char *const grp_names[] = { "none", "destination", "day" };

struct customer {
	char name[200], legal[240], email[64], phone[32], street[128], city[64], post[16];
	char region[32], vat_id[40], buyer_ref[48];
	const char *tz, *locale, *country, *currency;
	int cur;                    /* index into currencies */
	int exp;
	int tzoff;
	int pay_days;
	int zone;                   /* 0 domestic, 1 EU, 2 rest of the world */
	int telecom;
	enum sched sched;
	enum grp grp;
	int ndest;
	unsigned char dest[3];
	int npk;
	unsigned char pk[3];        /* package templates */
	int64_t pkqty[3], pkprice[3];
	int pkcustom[3];            /* negotiated price */
	long since;                 /* customer since (day) */
	int multisite;              /* several invoices per period: one per site */
};

/* ------------------------------------------------------------ the state */

enum { ST_DRAFT, ST_OPEN, ST_PAID, ST_VOID };
static const char *const status_names[] = { "draft", "open", "paid", "void" };
enum { PAY_NONE, PAY_PARTIAL, PAY_FULL };

struct forced {
	long slot;
	int cust, credit, status, pay;
	long partner;               /* credit note <-> credited invoice, or -1 */
};

struct plan {
	long slot, day;
	int cust;
	int credit;                 /* a credit note for slot `target` */
	long target;
	long credited_by;           /* -1, or the slot of the credit note crediting this one */
	int status, pay;
	int nusage;                 /* usage lines planned */
	int doc_round;
};

struct seqno {
	int year;
	long long seq;
	int site;                   /* the site label of the invoice (0: none) */
};

enum { T_INVOICES, T_LINES, T_TAXES, T_CFIELDS, T_PAYMENTS, T_ALLOCS, T_USAGE, T_AUDIT, T_OUTBOX, NT };

struct demo;

struct src {
	struct demo *d;
	const char *name;
	struct sink *sink;
	size_t off;
	int eof;
	int (*gen)(struct src *s);  /* appends rows: 1 more, 0 done, -1 error */
	long long pos, total;       /* generator progress */
	long long bytes, fsize;     /* file progress */
	long long seq;              /* generator's id counter */
	unsigned long long affected;
};

struct demo {
	struct db *db;
	const struct config *cfg;
	const struct demo_opts *o;
	uint64_t seed;
	long long now;
	long today, span, d0, n, k;
	long ncust;
	struct customer *cust;
	int npkg;
	struct forced forced[32];
	int nforced;
	long long billed, unbilled, nulines, uline;
	long long line_id, tax_id, cf_id, pay_id, alloc_id, usage_id, audit_id, outbox_id;
	int year0, nyears;
	long long seq_inv[16], seq_cn[16];
	struct seqno *ring;
	long ringsz;
	long slot;
	long *last_ps;              /* per customer: the period of its last invoice */
	int *site;                  /* per customer: invoices for that period so far */
	struct sink t[NT];
	char prefix[16], cprefix[16], seller_country[4];
	long long uid_admin, uid_billing, uid_support, uid_cust1, uid_cust2;
	/* progress */
	int progress;
	long long last_tick_ns, start_ns;
	int step, nsteps;
	char err[400];
};

static void seterr(struct demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(struct demo *d, const char *fmt, ...)
{
	va_list ap;

	if (d->err[0])
		return;                 /* keep the first reason */
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
}

/* -------------------------------------------------------------- progress */

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void progress(struct demo *d, const char *what, long long done, long long total, int force)
{
	long long t;
	int pct, fill, i;
	char bar[41];

	if (!d->progress)
		return;
	t = mono_ns();
	if (!force && t - d->last_tick_ns < 100000000LL)
		return;
	d->last_tick_ns = t;
	pct = total > 0 ? (int)(done * 100 / total) : 100;
	if (pct > 100)
		pct = 100;
	fill = pct * 30 / 100;
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r\033[K[%2d/%d] %-20s [%s] %3d%%  %lld/%lld  %llds", d->step, d->nsteps, what,
		bar, pct, done, total, (t - d->start_ns) / 1000000000LL);
	fflush(stderr);
}

static void step(struct demo *d, const char *what)
{
	d->step++;
	progress(d, what, 0, 1, 1);
}

/* --------------------------------------------------------- LOAD plumbing */

/* db_infile_fn: a generator's rows, or a temporary file's bytes. */
static long src_fill(void *ctx, char *buf, unsigned size)
{
	struct src *s = ctx;
	struct sink *k = s->sink;
	size_t n = 0;

	if (k->f) {
		size_t got = fread(buf, 1, size, k->f);

		if (got < size && ferror(k->f)) {
			seterr(s->d, "reading the %s temporary file: %s", s->name, strerror(errno));
			return -1;
		}
		s->bytes += (long long)got;
		progress(s->d, s->name, s->bytes, s->fsize, 0);
		return (long)got;
	}
	while (n < size) {
		if (s->off < k->len) {
			size_t c = k->len - s->off;

			if (c > size - n)
				c = size - n;
			memcpy(buf + n, k->buf + s->off, c);
			n += c;
			s->off += c;
			continue;
		}
		k->len = 0;
		s->off = 0;
		if (s->eof)
			break;
		switch (s->gen(s)) {
		case 0:
			s->eof = 1;
			break;
		case 1:
			break;
		default:
			return -1;
		}
		if (k->err) {
			seterr(s->d, "generating %s: %s", s->name, strerror(k->err));
			return -1;
		}
		progress(s->d, s->name, s->pos, s->total, 0);
	}
	return (long)n;
}

/* Checks a db_load result against the rows produced. */
static ierr loaded(struct demo *d, struct src *s, ierr e)
{
	if (e) {
		if (d->err[0])
			return e;       /* the generator's own reason */
		seterr(d, "loading %s: %s", s->name, db_error(d->db));
		return e;
	}
	if (s->affected != (unsigned long long)s->sink->rows) {
		seterr(d, "loading %s: %llu of %lld rows stored", s->name, s->affected, s->sink->rows);
		return IE_DB;
	}
	progress(d, s->name, 1, 1, 1);
	return IE_OK;
}

/* The literal stays at the db_load call site (statements are literals). */
#define LOAD(d, s, sql) loaded((d), (s), db_load((d)->db, sql, src_fill, (s), &(s)->affected))

#define TSV " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "

/* Prepares a spilled sink for reading back. */
static ierr rewind_sink(struct demo *d, struct src *s, struct sink *k, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->name = name;
	s->sink = k;
	sink_flush(k);
	if (!k->err && (fflush(k->f) || (s->fsize = ftell(k->f)) < 0 || fseek(k->f, 0, SEEK_SET)))
		k->err = errno ? errno : EIO;
	if (k->err) {
		seterr(d, "writing the %s temporary file: %s", name, strerror(k->err));
		return IE_IO;
	}
	return IE_OK;
}

/* ------------------------------------------------------------- customers */

static void digits(struct rng *r, char *out, size_t outsz, int n)
{
	int i;

	for (i = 0; i < n && (size_t)i + 1 < outsz; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	out[i < (int)outsz ? i : (int)outsz - 1] = '\0';
}

static int currency_index(const char *code)
{
	int i;

	for (i = 0; i < N(currencies); i++)
		if (!strcmp(currencies[i].code, code))
			return i;
	return 0;
}

struct special {
	const char *name, *legal;
	int country;
	int telecom;
	enum sched sched;
	enum grp grp;
	int pay_days;
};

/* The first customers: non-ASCII names, every currency exponent, and one name
 * made of HTML metacharacters. Customers 1 and 2 (the portal demo users) bill
 * in EUR and PLN. Customers 12-15 (in the default load of 50, not in the
 * tests' smaller ones) have names and addresses in Greek, Cyrillic, Arabic
 * and Hebrew script, as customer 4 has in Japanese. */
static const struct special specials[] = {
	{ "Zoë Müller GmbH", "Zoë Müller Telekommunikation GmbH", C_DE, 1, SCH_MONTHLY, GRP_DEST, 14 },
	{ "Łódź Sp. z o.o.", "Łódź Telekom Sp. z o.o.", C_PL, 1, SCH_MONTHLY, GRP_NONE, 30 },
	{ "Škoda Telecom s.r.o.", "", C_CZ, 1, SCH_WEEKLY, GRP_DAY, 14 },
	{ "株式会社東京テレコム", "", C_JP, 1, SCH_MONTHLY, GRP_DEST, 30 },
	{ "Société Générale d'Hébergement", "Société Générale d'Hébergement SAS", C_FR, 0, SCH_MONTHLY, GRP_NONE, 30 },
	{ "Al-Mutawa Telecom W.L.L.", "", C_KW, 1, SCH_MONTHLY, GRP_DEST, 30 },
	{ "Acme Cloud Inc.", "", C_US, 0, SCH_MONTHLY, GRP_NONE, 30 },
	{ "Brennan & O'Connor Ltd", "", C_GB, 1, SCH_DAILY, GRP_NONE, 7 },
	{ "Grüezi Hosting AG", "", C_CH, 0, SCH_NONE, GRP_NONE, 30 },
	{ "Ångström Data AB", "", C_SE, 1, SCH_MONTHLY, GRP_DEST, 30 },
	{ "Tag & \"Quote\" <Networks> Ltd", "", C_GB, 0, SCH_MONTHLY, GRP_NONE, 14 },
	{ "Αιγαίο Δίκτυα Α.Ε.", "Αιγαίο Δίκτυα Ανώνυμη Εταιρεία", C_GR, 1, SCH_MONTHLY, GRP_DEST, 30 },
	{ "Балкан Телеком ЕООД", "", C_BG, 1, SCH_MONTHLY, GRP_NONE, 30 },
	{ "Gulf Telecom Co.", "شركة الخليج للاتصالات ذ.م.م.", C_KW, 1, SCH_MONTHLY, GRP_DEST, 30 },
	{ "כרמל תקשורת בע\"מ", "", C_IL, 0, SCH_MONTHLY, GRP_NONE, 30 },
};

static void make_customer(struct demo *d, long idx, long nth_in_country, int ci, struct customer *c)
{
	struct rng r = rng_for(d->seed, S_CUST, (uint64_t)idx);
	const struct country *co = &countries[ci];
	const struct city *city = &co->cities[rng_below(&r, (uint64_t)co->ncities)];
	const struct special *sp = idx < N(specials) ? &specials[idx] : NULL;
	char num[24], dig[24];
	int i;

	memset(c, 0, sizeof(*c));
	c->country = co->code;
	c->currency = co->currency;
	c->locale = co->locale;
	c->tz = city->tz ? city->tz : co->tz;
	c->tzoff = city->tz ? city->tzoff : co->tzoff;
	/* international carriers often bill in USD or EUR */
	if (!sp && rng_below(&r, 100) < 8)
		c->currency = rng_below(&r, 2) ? "USD" : "EUR";
	c->cur = currency_index(c->currency);
	c->exp = money_exponent(c->currency);
	c->zone = !strcmp(co->code, d->seller_country) ? 0 : co->eu ? 1 : 2;

	if (sp) {
		snprintf(c->name, sizeof(c->name), "%s", sp->name);
		snprintf(c->legal, sizeof(c->legal), "%s", sp->legal[0] ? sp->legal : sp->name);
	} else {
		long combos = (long)co->na * co->nb * co->nsfx, k = nth_in_country % combos;
		long round = nth_in_country / combos;
		const char *a = co->a[k % co->na], *b = co->b[k / co->na % co->nb];
		const char *s = co->sfx[k / co->na / co->nb];
		char qual[96] = "";

		/* repeated combinations get a branch city (and a number beyond that) */
		if (round > 0 && round <= co->ncities)
			snprintf(qual, sizeof(qual), " %s", co->cities[round - 1].name);
		else if (round > co->ncities)
			snprintf(qual, sizeof(qual), " %s %ld", co->cities[(round - 1) % co->ncities].name,
				 (round - 1) / co->ncities + 1);
		if (co->jp_style)
			snprintf(c->name, sizeof(c->name), "%s%s%s%s", s, a, b, qual);
		else
			snprintf(c->name, sizeof(c->name), "%s %s%s %s", a, b, qual, s);
		snprintf(c->legal, sizeof(c->legal), "%s", c->name);
	}
	snprintf(c->email, sizeof(c->email), "billing@customer%ld.example", idx + 1);
	digits(&r, dig, sizeof(dig), 7);
	snprintf(c->phone, sizeof(c->phone), "%s%s", co->phone, dig);
	snprintf(num, sizeof(num), "%d", (int)rng_range(&r, 1, 180));
	if (co->number_first)
		snprintf(c->street, sizeof(c->street), "%s %s", num, co->streets[rng_below(&r, (uint64_t)co->nstreets)]);
	else
		snprintf(c->street, sizeof(c->street), "%s %s", co->streets[rng_below(&r, (uint64_t)co->nstreets)], num);
	snprintf(c->city, sizeof(c->city), "%s", city->name);
	snprintf(c->post, sizeof(c->post), "%s", city->post);
	snprintf(c->region, sizeof(c->region), "%s", city->region);
	if (co->vat_digits) {
		digits(&r, dig, sizeof(dig), co->vat_digits);
		if (!strcmp(co->code, "CH"))   /* CHE-123.456.789 MWST */
			snprintf(c->vat_id, sizeof(c->vat_id), "CHE-%.3s.%.3s.%.3s MWST", dig, dig + 3, dig + 6);
		else
			snprintf(c->vat_id, sizeof(c->vat_id), "%s%s%s", co->vat_prefix, dig, co->vat_suffix);
	}
	if (rng_below(&r, 100) < 20) {
		digits(&r, dig, sizeof(dig), 6);
		snprintf(c->buyer_ref, sizeof(c->buyer_ref), "PO-CONTACT-%s", dig);
	}

	if (sp) {
		c->telecom = sp->telecom;
		c->sched = sp->sched;
		c->grp = sp->grp;
		c->pay_days = sp->pay_days;
	} else {
		static const int pds[] = { 14, 14, 30, 30, 30, 7, 45, 60 };
		unsigned v = (unsigned)rng_below(&r, 100);

		c->telecom = rng_below(&r, 100) < 60;
		c->sched = v < 80 ? SCH_MONTHLY : v < 90 ? SCH_WEEKLY : v < 95 ? SCH_DAILY : SCH_NONE;
		c->pay_days = pds[rng_below(&r, N(pds))];
		v = (unsigned)rng_below(&r, 100);
		if (c->sched == SCH_WEEKLY)
			c->grp = v < 50 ? GRP_DAY : GRP_DEST;
		else
			c->grp = v < 50 ? GRP_NONE : GRP_DEST;
	}
	if (!c->telecom && c->grp == GRP_DAY)
		c->grp = GRP_NONE;

	/* voice destinations: home country first */
	if (c->telecom) {
		int home = -1;

		for (i = 0; i < NDEST; i++)
			if (strstr(dests[i].name, ci == C_DE ? "Germany" : ci == C_FR ? "France" : ci == C_GB ? "Kingdom"
				   : ci == C_US ? "USA" : ci == C_PL ? "Poland" : ci == C_JP ? "Japan"
				   : ci == C_KW ? "Kuwait" : ci == C_CH ? "Switzerland" : ci == C_CZ ? "Czech" : "-"))
				home = home < 0 ? i : home;
		c->ndest = 3;
		c->dest[0] = (unsigned char)(home >= 0 ? home : (int)rng_below(&r, NDEST));
		do
			c->dest[1] = (unsigned char)rng_below(&r, NDEST);
		while (c->dest[1] == c->dest[0]);
		do
			c->dest[2] = (unsigned char)rng_below(&r, NDEST);
		while (c->dest[2] == c->dest[0] || c->dest[2] == c->dest[1]);
	}

	/* recurring packages */
	if (c->telecom) {
		c->pk[c->npk++] = rng_below(&r, 2) ? PT_FIBRE500 : PT_FIBRE100;
		c->pk[c->npk++] = PT_SIP;
		if (rng_below(&r, 100) < 40)
			c->pk[c->npk++] = PT_IPV4;
	} else {
		unsigned v = (unsigned)rng_below(&r, 3);

		c->pk[c->npk++] = v == 0 ? PT_CLOUD_S : v == 1 ? PT_CLOUD_L : PT_DS64;
		if (rng_below(&r, 100) < 50)
			c->pk[c->npk++] = PT_BACKUP;
	}
	if (c->grp == GRP_DAY)
		c->npk = 1;             /* one package line + 7 day lines */
	for (i = 0; i < c->npk; i++) {
		c->pkqty[i] = MONEY_SCALE * (c->pk[i] == PT_CLOUD_S || c->pk[i] == PT_CLOUD_L ? rng_range(&r, 1, 4) : 1);
		c->pkcustom[i] = rng_below(&r, 100) < 10;
	}
	c->since = d->d0 - (long)rng_range(&r, 30, 900);
}

/* Package price in a currency: list price converted and rounded to the
 * currency's minor unit, at most two decimals (EN 16931 amounts have two:
 * KWD list prices are whole 10 fils), usage rates keep their 6 decimals. */
static int64_t pkg_price(int tmpl, int cur)
{
	const struct ptmpl *p = &ptmpls[tmpl];
	int64_t eur6 = p->kind == PK_USAGE ? dests[p->dest].eur6 : p->eur6;
	int64_t v = (eur6 * currencies[cur].per_eur + 5000) / 10000;
	int exp = money_exponent(currencies[cur].code);

	if (p->kind != PK_USAGE && exp >= 0 && exp < 6) {
		int64_t unit = 1;
		int i;

		for (i = exp < 2 ? exp : 2; i < 6; i++)
			unit *= 10;
		v = (v + unit / 2) / unit * unit;
	}
	return v;
}

static long long pkg_id(int tmpl, int cur)
{
	return (long long)cur * NPT + tmpl + 1;
}

static const struct vat *vat_for(const struct customer *c, enum vclass vc)
{
	switch (c->zone) {
	case 0:
		return &vats[vc == VC_PRINT ? V_S7 : vc == VC_POSTAGE ? V_E : V_S19];
	case 1:
		return &vats[vc == VC_SERVICE ? V_AE : vc == VC_POSTAGE ? V_E : V_K];
	default:
		/* EN 16931 lets "not subject to VAT" (O) share no document with
		 * another category (BR-O-11): one treatment per customer, export
		 * (G) for the European neighbours, O further away */
		(void)vc;
		return &vats[!strcmp(c->country, "GB") || !strcmp(c->country, "CH") ? V_G : V_O];
	}
}

static long billed_until(const struct demo *d, const struct customer *c)
{
	switch (c->sched) {
	case SCH_MONTHLY: return month_start(d->today) - 1;
	case SCH_WEEKLY: return week_start(d->today) - 1;
	case SCH_DAILY: return d->today - 1;
	default: return -1;
	}
}

/* The customer's electronic address (EN 16931 BT-49, Peppol's endpoint): a
 * GS1 GLN (scheme 0088) made from the customer's number, with its check
 * digit, so the demo's e-invoices are addressable without drawing randoms
 * (the rest of the data stays as it was). */
static void demo_gln(unsigned long long n, char out[14])
{
	unsigned sum = 0;

	snprintf(out, 14, "4012345%05llu", n % 100000);
	for (int i = 0; i < 12; i++)   /* weights 1, 3, 1, ... from the left for 13 digits */
		sum += (unsigned)(out[i] - '0') * (i % 2 ? 3u : 1u);
	out[12] = (char)('0' + (10 - sum % 10) % 10);
	out[13] = '\0';
}

static int gen_customers(struct src *s)
{
	struct demo *d = s->d;
	struct sink *k = s->sink;

	for (; s->pos < d->ncust && k->len < 65536; s->pos++) {
		const struct customer *c = &d->cust[s->pos];
		struct rng r = rng_for(d->seed, S_MISC, (uint64_t)s->pos ^ 0x5c5c5c5cULL);
		long long created = (long long)c->since * 86400 + rng_range(&r, 8 * 3600, 17 * 3600);
		char gln[14];

		put_u(k, (unsigned long long)s->pos + 1); TAB(k);
		put_str(k, c->name); TAB(k);
		put_str(k, c->legal); TAB(k);
		put_str(k, c->email); TAB(k);
		put_str(k, c->phone); TAB(k);
		put_str(k, c->currency); TAB(k);
		put_str(k, c->tz); TAB(k);
		put_str(k, c->locale); TAB(k);
		put_u(k, (unsigned)c->pay_days); TAB(k);
		put_str(k, sched_names[c->sched]); TAB(k);
		put_str(k, grp_names[c->grp]); TAB(k);
		put_date(k, billed_until(d, c)); TAB(k);
		put_str(k, c->vat_id); TAB(k);
		put_str(k, c->street); TAB(k);
		put_str(k, ""); TAB(k);
		put_str(k, c->city); TAB(k);
		put_str(k, c->post); TAB(k);
		put_str(k, c->region); TAB(k);
		put_str(k, c->country); TAB(k);
		put_str(k, c->buyer_ref); TAB(k);
		demo_gln((unsigned long long)s->pos + 1, gln);
		put_str(k, gln); TAB(k);
		put_str(k, "0088"); TAB(k);
		put_u(k, 1); TAB(k);
		put_u(k, rng_below(&r, 10) < 9); TAB(k);
		put_u(k, rng_below(&r, 10) < 3); TAB(k);
		put_str(k, rng_below(&r, 10) < 2 ? "Key account.\nPrefers invoices in English; "
			"dunning only after a phone call." : NULL); TAB(k);
		put_u(k, 1); TAB(k);
		put_datetime(k, created); TAB(k);
		put_datetime(k, created);
		put_end(k);
	}
	return s->pos < d->ncust;
}

/* ------------------------------------------- packages, plans, custom fields */

static int gen_packages(struct src *s)
{
	struct demo *d = s->d;
	struct sink *k = s->sink;
	int cur, t;

	for (cur = 0; cur < N(currencies); cur++) {
		for (t = 0; t < NPT; t++) {
			const struct ptmpl *p = &ptmpls[t];
			const struct vat *v = &vats[p->vc == VC_PRINT ? V_S7 : p->vc == VC_POSTAGE ? V_E : V_S19];
			long long created = (long long)(d->d0 - 1000) * 86400 + 9 * 3600;

			put_u(k, (unsigned long long)pkg_id(t, cur)); TAB(k);
			put_str(k, p->name); TAB(k);
			put_str(k, p->desc); TAB(k);
			put_str(k, p->kind == PK_REC ? "recurring" : p->kind == PK_USAGE ? "usage" : "one_off"); TAB(k);
			put_str(k, currencies[cur].code); TAB(k);
			put_dec(k, pkg_price(t, cur), 6); TAB(k);
			put_str(k, p->unit); TAB(k);
			put_dec(k, MONEY_SCALE, 6); TAB(k);
			put_dec(k, v->rate, 4); TAB(k);
			put_str(k, v->cat); TAB(k);
			put_str(k, v->desc); TAB(k);
			put_str(k, p->kind == PK_USAGE ? "voice" : NULL); TAB(k);
			put_str(k, p->kind == PK_USAGE ? dests[p->dest].name : NULL); TAB(k);
			put_u(k, 1); TAB(k);
			put_datetime(k, created); TAB(k);
			put_datetime(k, created);
			put_end(k);
		}
	}
	return 0;
}

static int gen_customer_packages(struct src *s)
{
	struct demo *d = s->d;
	struct sink *k = s->sink;

	for (; s->pos < d->ncust && k->len < 65536; s->pos++) {
		const struct customer *c = &d->cust[s->pos];
		int i;

		for (i = 0; i < c->npk; i++) {
			long start = c->since + i * 31;

			put_u(k, (unsigned long long)++s->seq); TAB(k);
			put_u(k, (unsigned long long)s->pos + 1); TAB(k);
			put_u(k, (unsigned long long)pkg_id(c->pk[i], c->cur)); TAB(k);
			put_dec(k, c->pkqty[i], 6); TAB(k);
			if (c->pkcustom[i])
				put_dec(k, c->pkprice[i], 6);
			else
				put_null(k);
			TAB(k);
			put_null(k); TAB(k);
			put_date(k, start); TAB(k);
			put_null(k); TAB(k);
			put_datetime(k, (long long)start * 86400 + 10 * 3600);
			put_end(k);
		}
	}
	return s->pos < d->ncust;
}

static const struct { const char *key, *label; int visible; } cfdefs[] = {
	{ "po_number", "Purchase order", 1 },
	{ "cost_center", "Cost centre (internal)", 0 },
	{ "contract_id", "Contract", 1 },
};

static int gen_cfdefs(struct src *s)
{
	struct demo *d = s->d;
	struct sink *k = s->sink;
	int i;

	for (i = 0; i < N(cfdefs); i++) {
		put_u(k, (unsigned)i + 1); TAB(k);
		put_str(k, cfdefs[i].key); TAB(k);
		put_str(k, cfdefs[i].label); TAB(k);
		put_str(k, "text"); TAB(k);
		put_u(k, (unsigned)cfdefs[i].visible); TAB(k);
		put_u(k, (unsigned)cfdefs[i].visible); TAB(k);     /* print_on_pdf: the visible ones */
		put_u(k, (unsigned)i + 1); TAB(k);
		put_u(k, 1); TAB(k);
		put_datetime(k, (long long)(d->d0 - 900) * 86400 + 9 * 3600);
		put_end(k);
	}
	return 0;
}

/* ------------------------------------------------------------ the plan */

static long slot_day(const struct demo *d, long i)
{
	return d->d0 + (long)((long long)i * d->span / d->n);
}

static const struct forced *forced_at(const struct demo *d, long i)
{
	int f;

	for (f = 0; f < d->nforced; f++)
		if (d->forced[f].slot == i)
			return &d->forced[f];
	return NULL;
}

/* ~0.7% of slots would like to be credit notes. */
static int raw_credit(const struct demo *d, long i)
{
	struct rng r = rng_for(d->seed, S_CREDIT, (uint64_t)i);

	return rng_below(&r, 1000) < 7;
}

#define MAX_LINES 8

static int usage_lines(const struct customer *c, struct rng *r)
{
	unsigned v = (unsigned)rng_below(r, 1000);
	int n;

	if (!c->telecom || c->sched == SCH_NONE)
		return 0;
	switch (c->grp) {
	case GRP_DEST: n = 1 + (int)(v % (unsigned)c->ndest); break;
	case GRP_DAY: n = c->sched == SCH_WEEKLY ? 7 : 1; break;
	default: n = 1; break;
	}
	/* the package lines come first; never more than MAX_LINES in all */
	return n < MAX_LINES - c->npk ? n : MAX_LINES - c->npk;
}

/* A slot as an ordinary invoice: customer, status, payments. */
static void plan_base(const struct demo *d, long i, struct plan *p)
{
	struct rng r = rng_for(d->seed, S_PLAN, (uint64_t)i);
	const struct forced *f = forced_at(d, i);
	unsigned u1 = (unsigned)rng_below(&r, 1000), u2 = (unsigned)rng_below(&r, 1000);
	unsigned u3 = (unsigned)rng_below(&r, 1000), u4 = (unsigned)rng_below(&r, 1000);
	unsigned u5 = (unsigned)rng_below(&r, 1000);
	long age, due;
	const struct customer *c;

	memset(p, 0, sizeof(*p));
	p->slot = i;
	p->day = slot_day(d, i);
	p->target = p->credited_by = -1;
	/* customers 1 and 2 are big accounts; the first tenth of the rest gets 30% */
	if (u1 < 10 || d->ncust < 3)
		p->cust = (int)(u1 % (d->ncust < 2 ? 1 : 2));
	else if (u1 < 310)
		p->cust = 2 + (int)rng_below(&r, (uint64_t)((d->ncust - 2) / 10 + 1));
	else
		p->cust = 2 + (int)rng_below(&r, (uint64_t)(d->ncust - 2));
	if (p->cust >= d->ncust)
		p->cust = (int)d->ncust - 1;
	if (f)
		p->cust = f->cust;
	c = &d->cust[p->cust];
	age = d->today - p->day;
	due = p->day + c->pay_days;
	if ((age <= 2 && u2 < 600) || (age <= 7 && u2 < 350) || u2 < 2) {
		p->status = ST_DRAFT;
	} else if (u3 < 15) {
		p->status = ST_VOID;
	} else if (due >= d->today) {
		p->status = ST_OPEN;
		p->pay = u4 < 250 ? PAY_FULL : u4 < 350 ? PAY_PARTIAL : PAY_NONE;
	} else {
		long over = d->today - due;
		unsigned full = over < 15 ? 600 : over < 60 ? 850 : 970;

		p->status = ST_OPEN;
		p->pay = u4 < full ? PAY_FULL : u4 < full + 30 ? PAY_PARTIAL : PAY_NONE;
	}
	if (f) {
		p->status = f->status;
		p->pay = f->pay;
	}
	if (p->status != ST_DRAFT && p->status != ST_VOID)
		p->status = p->pay == PAY_FULL ? ST_PAID : ST_OPEN;
	p->doc_round = d->cfg->tax_per_document ? u5 >= 50 : u5 < 50;   /* 5% use the other mode */
	p->nusage = usage_lines(c, &r);
}

static int eligible(const struct demo *d, long j, const struct plan *base)
{
	return !forced_at(d, j) && !raw_credit(d, j) && (base->status == ST_OPEN || base->status == ST_PAID);
}

/* The final plan of a slot: an invoice, or a credit note for slot i - k. */
static void plan_slot(const struct demo *d, long i, struct plan *p)
{
	const struct forced *f = forced_at(d, i);
	struct plan t;

	plan_base(d, i, p);
	if (f) {
		if (f->credit) {
			p->credit = 1;
			p->target = f->partner;
			p->status = ST_PAID;
			p->pay = PAY_NONE;
			p->nusage = 0;
			plan_base(d, f->partner, &t);
			p->doc_round = t.doc_round;
		} else {
			p->credited_by = f->partner;
		}
		return;
	}
	if (raw_credit(d, i) && i >= d->k) {
		plan_base(d, i - d->k, &t);
		if (eligible(d, i - d->k, &t)) {
			p->credit = 1;
			p->target = i - d->k;
			p->cust = t.cust;
			p->status = ST_PAID;
			p->pay = PAY_NONE;
			p->nusage = 0;
			p->doc_round = t.doc_round;
			return;
		}
	}
	if (i + d->k < d->n && eligible(d, i, p) && raw_credit(d, i + d->k) && !forced_at(d, i + d->k))
		p->credited_by = i + d->k;
}

/* Customers 1 and 2 get an invoice in every status (and a credit note). */
static void force_statuses(struct demo *d)
{
	static const struct { int age, pay_rel, status, pay, credit; } want[] = {
		{ 1, 0, ST_DRAFT, PAY_NONE, 0 },
		{ 2, 0, ST_OPEN, PAY_NONE, 0 },          /* open, not yet due */
		{ 5, 0, ST_OPEN, PAY_PARTIAL, 0 },       /* partially paid, not yet due */
		{ 25, 1, ST_OPEN, PAY_NONE, 0 },         /* overdue: age = payment days + 25 */
		{ 40, 1, ST_OPEN, PAY_PARTIAL, 0 },      /* overdue, partially paid */
		{ 50, 0, ST_PAID, PAY_FULL, 0 },
		{ 75, 0, ST_VOID, PAY_NONE, 0 },
		{ 110, 0, ST_PAID, PAY_FULL, 1 },        /* credited by a credit note 15 days later */
	};
	int c, w;

	d->nforced = 0;
	for (c = 0; c < 2 && c < d->ncust; c++) {
		for (w = 0; w < N(want); w++) {
			int pd = d->cust[c].pay_days;
			long age = want[w].age + (want[w].pay_rel ? pd : 0);
			long first = (long)(((long long)(d->span - 1 - age) * d->n + d->span - 1) / d->span);
			long tries, slot = -1, cslot = -1;

			for (tries = 0; tries < 64 && slot < 0; tries++) {
				long cand = first + (tries % 2 ? -(tries + 1) / 2 : tries / 2), a;
				int ok;

				if (cand < 0 || cand >= d->n || forced_at(d, cand))
					continue;
				a = d->today - slot_day(d, cand);
				ok = want[w].status == ST_DRAFT || want[w].status == ST_PAID || want[w].status == ST_VOID
				     || (want[w].pay_rel ? a > pd : a <= pd);
				if (want[w].credit) {
					/* the credit note: a later, free slot */
					long cc = cand + (d->k > 0 ? d->k : 1);

					while (cc < d->n && forced_at(d, cc))
						cc++;
					if (cc >= d->n || a <= 0)
						ok = 0;
					else
						cslot = cc;
				}
				if (ok)
					slot = cand;
			}
			if (slot < 0 || d->nforced + 2 > N(d->forced))
				continue;
			d->forced[d->nforced++] = (struct forced){ slot, c, 0, want[w].status, want[w].pay,
								  want[w].credit ? cslot : -1 };
			if (want[w].credit)
				d->forced[d->nforced++] = (struct forced){ cslot, c, 1, ST_PAID, PAY_NONE, slot };
		}
	}
}

/* ------------------------------------------------------------- invoices */

struct gline {
	int source;                 /* 0 manual, 1 package, 2 usage */
	long long pkg;
	char desc[2048];
	int64_t qty, price;
	const char *unit;
	const struct vat *vat;
	long ps, pe;
	/* usage */
	int usage, dest, day_index;
	long long nrec;
};

static void period_of(const struct customer *c, long day, long *ps, long *pe)
{
	*ps = *pe = -1;
	switch (c->sched) {
	case SCH_MONTHLY:
		*pe = month_start(day) - 1;
		*ps = month_start(*pe);
		break;
	case SCH_WEEKLY:
		*pe = week_start(day) - 1;
		*ps = *pe - 6;
		break;
	case SCH_DAILY:
		*ps = *pe = day - 1;
		break;
	default:
		break;
	}
}

static void period_text(long ps, long pe, char *out, size_t outsz)
{
	char a[11], b[11];

	fmt_date(ps, a);
	fmt_date(pe, b);
	if (ps == pe)
		snprintf(out, outsz, "%s", a);
	else
		snprintf(out, outsz, "%s \xe2\x80\x93 %s", a, b);   /* en dash */
}

static void oneoff_line(const struct customer *c, struct rng *r, int tmpl, struct gline *l)
{
	const struct ptmpl *p = &ptmpls[tmpl];

	memset(l, 0, sizeof(*l));
	l->source = 1;
	l->pkg = pkg_id(tmpl, c->cur);
	l->unit = p->unit;
	l->price = pkg_price(tmpl, c->cur);
	l->vat = vat_for(c, p->vc);
	l->ps = l->pe = -1;
	switch (tmpl) {
	case PT_SIM:
		l->qty = MONEY_SCALE * rng_range(r, 1, 20);
		break;
	case PT_CONSULT:
		l->qty = MONEY_SCALE / 4 * rng_range(r, 2, 64);      /* quarter hours */
		break;
	default:
		l->qty = MONEY_SCALE;
		break;
	}
	if (tmpl == PT_CONSULT && rng_below(r, 3) == 0)
		snprintf(l->desc, sizeof(l->desc), "%s: migration of the PBX to SIP trunking, "
			 "including number porting, firewall rules (SIP ALG off, RTP 10000-20000/udp), "
			 "failover tests with the customer's on-call team and a written handover report",
			 p->name);
	else
		snprintf(l->desc, sizeof(l->desc), "%s", p->name);
}

/*
 * The lines of slot i (an invoice). Line 0 is always a package or one-off
 * line and is drawn first from the slot's LINES stream, so a credit note can
 * regenerate it alone (with_usage = 0). Usage lines are placeholders here.
 */
static int plan_lines(const struct demo *d, const struct plan *p, int site, struct gline *lines, int with_usage)
{
	const struct customer *c = &d->cust[p->cust];
	struct rng r = rng_for(d->seed, S_LINES, (uint64_t)p->slot);
	long ps, pe;
	int n = 0, i, nextra;
	unsigned used = 0;          /* one-off templates already on the invoice */
	char per[64], sitetxt[32] = "";

	period_of(c, p->day, &ps, &pe);
	if (site)
		snprintf(sitetxt, sizeof(sitetxt), ", site %d", site);
	if (c->sched != SCH_NONE) {
		for (i = 0; i < c->npk && n < MAX_LINES; i++) {
			struct gline *l = &lines[n++];
			const struct ptmpl *t = &ptmpls[c->pk[i]];
			int days = (int)(pe - ps + 1), dim = days_in_month(ps);

			memset(l, 0, sizeof(*l));
			l->source = 1;
			l->pkg = pkg_id(c->pk[i], c->cur);
			l->unit = t->unit;
			l->price = c->pkprice[i];
			l->vat = vat_for(c, t->vc);
			l->ps = ps;
			l->pe = pe;
			/* monthly fees prorated for shorter periods (6 decimals, half up) */
			l->qty = c->sched == SCH_MONTHLY ? c->pkqty[i]
				 : (int64_t)(((__int128)c->pkqty[i] * days * 2 + dim) / (2 * dim));
			period_text(ps, pe, per, sizeof(per));
			if (c->pk[i] == PT_DS64 && rng_below(&r, 100) < 30)
				snprintf(l->desc, sizeof(l->desc), "%s%s, %s. %s", t->name, sitetxt, per, t->desc);
			else
				snprintf(l->desc, sizeof(l->desc), "%s%s, %s", t->name, sitetxt, per);
			if (!with_usage)
				return n;
		}
	} else {
		static const int manual[] = { PT_CONSULT, PT_CONSULT, PT_ROUTER, PT_INSTALL, PT_SIM, PT_HANDBOOK };
		int m = 1 + (int)rng_below(&r, 3);

		for (i = 0; i < m; i++) {
			int tmpl = manual[rng_below(&r, N(manual))];

			if (used & (1u << (tmpl - PT_INSTALL)))
				continue;       /* each item once */
			used |= 1u << (tmpl - PT_INSTALL);
			oneoff_line(c, &r, tmpl, &lines[n++]);
			if (!with_usage)
				return n;
		}
	}
	/* usage placeholders */
	for (i = 0; i < p->nusage && n < MAX_LINES; i++) {
		struct gline *l = &lines[n++];

		memset(l, 0, sizeof(*l));
		l->source = 2;
		l->usage = 1;
		l->day_index = i;
		l->ps = c->grp == GRP_DAY ? ps + i : ps;
		l->pe = c->grp == GRP_DAY ? ps + i : pe;
		l->dest = c->grp == GRP_DEST ? c->dest[i % c->ndest] : -1;
		l->vat = vat_for(c, VC_SERVICE);
	}
	/* an occasional extra: installation, SIM cards, postage, handbook */
	nextra = rng_below(&r, 100) < 15 ? 1 : 0;
	if (nextra && n < MAX_LINES) {
		static const int extra[] = { PT_INSTALL, PT_SIM, PT_POSTAGE, PT_HANDBOOK, PT_ROUTER, PT_CONSULT };
		int tmpl = extra[rng_below(&r, N(extra))];

		if (!(used & (1u << (tmpl - PT_INSTALL)))) {
			used |= 1u << (tmpl - PT_INSTALL);
			oneoff_line(c, &r, tmpl, &lines[n++]);
		}
		if (rng_below(&r, 4) == 0 && n < MAX_LINES && !(used & (1u << (PT_POSTAGE - PT_INSTALL))))
			oneoff_line(c, &r, PT_POSTAGE, &lines[n++]);
	}
	return n;
}

/* Per-currency unit price of a destination (the usage package's price). */
static int64_t dest_rate(const struct customer *c, int dest)
{
	return pkg_price(PT_USAGE0 + dest, c->cur);
}

/* Window of usage times for a local date range, in UTC seconds, kept an hour
 * inside the customer's local days so daylight saving cannot move a record
 * into the neighbouring period. */
static void usage_window(const struct demo *d, const struct customer *c, long ps, long pe,
			 long long *from, long long *to)
{
	*from = (long long)ps * 86400 - c->tzoff * 60LL + 3600;
	*to = (long long)(pe + 1) * 86400 - c->tzoff * 60LL - 3600;
	if (*to > d->now - 60)
		*to = d->now - 60;
	if (*to <= *from)
		*from = *to - 60;
}

/* One usage record; returns its quantity and rated amount. */
static void usage_record(struct demo *d, const struct customer *c, long long cust_id, struct rng *r,
			 long long from, long long to, int dest, long long inv_id, long long line_id,
			 int64_t *qty, int64_t *amount)
{
	struct sink *k = &d->t[T_USAGE];
	/* mostly short calls, a few long ones: seconds in 1 .. 3600 */
	uint64_t a = rng_below(r, 600), b = rng_below(r, 100);
	long long sec = 1 + (long long)(b < 90 ? a / 2 + rng_below(r, 60) : a * 6);
	int64_t q = (int64_t)((sec * MONEY_SCALE * 2 + 60) / 120);   /* minutes, 6 decimals, half up */
	int64_t rate = dest_rate(c, dest), amt;

	if (money_round_div((__int128)q * rate, MONEY_SCALE, &amt))
		k->err = ERANGE;
	if (!sink_need(k, 512))
		return;
	put_u(k, (unsigned long long)++d->usage_id); TAB(k);
	put_u(k, (unsigned long long)cust_id); TAB(k);
	put_datetime(k, from + (long long)rng_below(r, (uint64_t)(to - from))); TAB(k);
	put_raw(k, "voice\t", 6);
	put_str(k, dests[dest].name); TAB(k);
	put_dec(k, q, 6); TAB(k);
	put_raw(k, "MIN\t", 4);
	put_dec(k, amt, 6); TAB(k);
	put_u(k, (unsigned long long)pkg_id(PT_USAGE0 + dest, c->cur)); TAB(k);
	put_id(k, inv_id); TAB(k);
	put_id(k, line_id); TAB(k);
	put_null(k);
	put_end(k);
	*qty += q;
	*amount += amt;
}

/* Number of usage records of global usage line l (spreads `billed` exactly). */
static long long records_of_line(const struct demo *d, long long l)
{
	if (!d->nulines)
		return 0;
	return (long long)(((__int128)(l + 1) * d->billed) / d->nulines - ((__int128)l * d->billed) / d->nulines);
}

static void put_money(struct sink *k, money_t v, int exp)
{
	put_dec(k, v, exp);
}

static void number_text(const struct demo *d, int credit, struct seqno sn, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s-%04d-%06lld", credit ? d->cprefix : d->prefix, sn.year, sn.seq);
}

static void audit(struct demo *d, long long when, long long uid, const char *actor, const char *entity,
		  long long entity_id, const char *action, const char *before, const char *after)
{
	struct sink *k = &d->t[T_AUDIT];

	put_u(k, (unsigned long long)++d->audit_id); TAB(k);
	put_datetime(k, when); TAB(k);
	put_id(k, uid); TAB(k);
	put_str(k, actor); TAB(k);
	put_str(k, uid ? "192.0.2.10" : ""); TAB(k);
	put_str(k, entity); TAB(k);
	put_u(k, (unsigned long long)entity_id); TAB(k);
	put_str(k, action); TAB(k);
	put_str(k, before); TAB(k);
	put_str(k, after);
	put_end(k);
}

static void payment(struct demo *d, const struct customer *c, long long cust_id, long long inv_id,
		    const char *number, money_t amount, long long allocated, long day, long long at,
		    const char *method, int part, int parts)
{
	struct sink *k = &d->t[T_PAYMENTS];
	char ref[96];

	if (parts > 1)
		snprintf(ref, sizeof(ref), "%s (%d/%d)", number, part, parts);
	else if (number)
		snprintf(ref, sizeof(ref), "%s", number);
	else
		snprintf(ref, sizeof(ref), "Payment on account, customer %lld", cust_id);
	put_u(k, (unsigned long long)++d->pay_id); TAB(k);
	put_u(k, (unsigned long long)cust_id); TAB(k);
	put_str(k, c->currency); TAB(k);
	put_money(k, amount, c->exp); TAB(k);
	put_money(k, allocated, c->exp); TAB(k);
	put_date(k, day); TAB(k);
	put_str(k, method); TAB(k);
	put_str(k, ref); TAB(k);
	put_str(k, allocated < amount ? "Unallocated: no invoice reference in the remittance" : ""); TAB(k);
	put_id(k, d->uid_billing); TAB(k);
	put_datetime(k, at);
	put_end(k);
	(void)inv_id;
}

static void allocation(struct demo *d, long long inv_id, long long pay_id, long long cn_id, money_t amount,
		       int exp, long long at)
{
	struct sink *k = &d->t[T_ALLOCS];

	put_u(k, (unsigned long long)++d->alloc_id); TAB(k);
	put_u(k, (unsigned long long)inv_id); TAB(k);
	put_id(k, pay_id); TAB(k);
	put_id(k, cn_id); TAB(k);
	put_money(k, amount, exp); TAB(k);
	put_id(k, d->uid_billing); TAB(k);
	put_datetime(k, at);
	put_end(k);
}

/* A time on `day`, between from_h and to_h UTC, never after now. */
static long long time_on(const struct demo *d, struct rng *r, long day, int from_h, int to_h)
{
	long long t = (long long)day * 86400 + rng_range(r, from_h * 3600LL, to_h * 3600LL - 1);

	if (t > d->now - 60)
		t = d->now - 60 - (long long)rng_below(r, 600);
	if (t < (long long)day * 86400)
		t = (long long)day * 86400;
	return t;
}

struct amounts {
	money_t net, tax, total, paid;
};

static void amount_json(char *out, size_t outsz, const char *status, const char *number, money_t total,
			money_t paid, int exp, long long extra_id, const char *extra_key)
{
	char t[48], p[48];

	money_to_decimal(total, exp, t, sizeof(t));
	money_to_decimal(paid, exp, p, sizeof(p));
	if (extra_key)
		snprintf(out, outsz, "{\"status\":\"%s\",\"number\":\"%s\",\"total\":\"%s\",\"paid_amount\":\"%s\",\"%s\":%lld}",
			 status, number ? number : "", t, p, extra_key, extra_id);
	else
		snprintf(out, outsz, "{\"status\":\"%s\",\"number\":\"%s\",\"total\":\"%s\",\"paid_amount\":\"%s\"}",
			 status, number ? number : "", t, p);
}

static ierr compute(struct demo *d, struct gline *lines, int n, const struct customer *c, int doc_round,
		    struct money_line *ml, struct money_totals *t)
{
	int i;
	ierr e;

	for (i = 0; i < n; i++) {
		ml[i].quantity = lines[i].qty;
		ml[i].unit_price = lines[i].price;
		ml[i].rate = lines[i].vat->rate;
	}
	if ((e = money_totals(ml, (size_t)n, c->exp, doc_round, t)))
		seterr(d, "money_totals failed for a %s invoice: %s", c->currency, ierr_name(e));
	return e;
}

/* Writes the invoice's lines and VAT breakdown (per category and rate). */
static int write_lines(struct demo *d, long long inv_id, long long first_line_id, struct gline *lines, int n,
		       const struct money_line *ml, const struct money_totals *t, int doc_round, int exp)
{
	struct sink *k = &d->t[T_LINES];
	money_t gnet[NVAT] = { 0 }, gtax[NVAT] = { 0 }, sum_tax = 0;
	int used[NVAT] = { 0 }, i;

	for (i = 0; i < n; i++) {
		const struct gline *l = &lines[i];
		int v = (int)(l->vat - vats);

		if (!sink_need(k, ROW_MAX))
			return -1;
		put_u(k, (unsigned long long)(first_line_id + i)); TAB(k);
		put_u(k, (unsigned long long)inv_id); TAB(k);
		put_u(k, (unsigned)i + 1); TAB(k);
		put_id(k, l->pkg); TAB(k);
		put_str(k, l->source == 2 ? "usage" : l->source == 1 ? "package" : "manual"); TAB(k);
		put_str(k, l->desc); TAB(k);
		put_dec(k, l->qty, 6); TAB(k);
		put_str(k, l->unit); TAB(k);
		put_dec(k, l->price, 6); TAB(k);
		put_dec(k, l->vat->rate, 4); TAB(k);
		put_str(k, l->vat->cat); TAB(k);
		put_str(k, l->vat->code); TAB(k);
		put_str(k, l->vat->reason); TAB(k);
		put_str(k, l->vat->desc); TAB(k);
		put_date(k, l->ps); TAB(k);
		put_date(k, l->pe); TAB(k);
		put_money(k, ml[i].net, exp); TAB(k);
		put_money(k, ml[i].tax, exp);
		put_end(k);
		used[v] = 1;
		gnet[v] += ml[i].net;
		gtax[v] += ml[i].tax;
	}
	k = &d->t[T_TAXES];
	for (i = 0; i < NVAT; i++) {
		money_t tax = gtax[i];

		if (!used[i])
			continue;
		if (doc_round && money_tax(gnet[i], vats[i].rate, &tax))
			return -1;
		sum_tax += tax;
		put_u(k, (unsigned long long)++d->tax_id); TAB(k);
		put_u(k, (unsigned long long)inv_id); TAB(k);
		put_str(k, vats[i].cat); TAB(k);
		put_dec(k, vats[i].rate, 4); TAB(k);
		put_str(k, vats[i].code); TAB(k);
		put_str(k, vats[i].reason); TAB(k);
		put_money(k, gnet[i], exp); TAB(k);
		put_money(k, tax, exp);
		put_end(k);
	}
	if (sum_tax != t->tax) {
		seterr(d, "VAT breakdown of invoice %lld does not add up", inv_id);
		return -1;
	}
	return 0;
}

/* The buyer as issued (invoices.buyer_snapshot): every key of the buyer
 * block (lib/invoice.c, invoice_load reads them), so an issued invoice never
 * shows the live customer row. */
static void buyer_json(struct sink *k, const struct customer *c)
{
	put_raw(k, "{\"name\":", 8);
	put_jstr(k, c->name);
	put_raw(k, ",\"legal_name\":", 14);
	put_jstr(k, c->legal);
	put_raw(k, ",\"email\":", 9);
	put_jstr(k, c->email);
	put_raw(k, ",\"vat_id\":", 10);
	put_jstr(k, c->vat_id);
	put_raw(k, ",\"street\":", 10);
	put_jstr(k, c->street);
	put_raw(k, ",\"address_line2\":", 17);
	put_jstr(k, "");
	put_raw(k, ",\"region\":", 10);
	put_jstr(k, c->region);
	put_raw(k, ",\"post_code\":", 13);
	put_jstr(k, c->post);
	put_raw(k, ",\"city\":", 8);
	put_jstr(k, c->city);
	put_raw(k, ",\"country\":", 11);
	put_jstr(k, c->country);
	put_raw(k, ",\"buyer_reference\":", 19);
	put_jstr(k, c->buyer_ref);
	put_c(k, '}');
}

static const char *const notes_text[] = {
	"Please quote the invoice number with your payment.",
	"Thank you for your business.\nQuestions about this invoice? Reply to this e-mail or call +49 30 1234567.",
	"Bitte überweisen Sie den Rechnungsbetrag ohne Abzug auf das unten genannte Konto.",
	"Paiement à réception de facture. Pénalités de retard : trois fois le taux d'intérêt légal.",
};

static const char *const void_reasons[] = {
	"Issued to the wrong customer", "Duplicate invoice", "Pricing error, replaced by a corrected invoice",
};

/* Outbox mail for recent invoices: sent, or still queued. */
static void mail(struct demo *d, const struct customer *c, long long cust_id, long long inv_id,
		 const char *kind, int seqno, const char *number, money_t amount, long due, long long at)
{
	struct sink *k = &d->t[T_OUTBOX];
	char key[64], subj[160], amt[64], dd[11], body[1024];
	int sent;

	if (at > d->now - 60)
		at = d->now - 60;
	sent = at < d->now - 3600;

	money_format(amount, c->currency, amt, sizeof(amt));
	fmt_date(due, dd);
	snprintf(key, sizeof(key), "%s:%lld:%d", kind, inv_id, seqno);
	if (!strcmp(kind, "invoice_issued")) {
		snprintf(subj, sizeof(subj), "Invoice %s", number);
		snprintf(body, sizeof(body), "Dear customer,\n\nyour invoice %s for %s is available. It is due on %s.\n\n"
			 "View and download it in the customer portal: %s/portal\n\nKind regards\n%s\n",
			 number, amt, dd, d->cfg->base_url, d->cfg->site_name);
	} else {
		snprintf(subj, sizeof(subj), "Payment reminder: invoice %s", number);
		snprintf(body, sizeof(body), "Dear customer,\n\nour records show that invoice %s (%s open) was due "
			 "on %s. If you have already paid, please ignore this message.\n\n%s/portal\n\nKind regards\n%s\n",
			 number, amt, dd, d->cfg->base_url, d->cfg->site_name);
	}
	put_u(k, (unsigned long long)++d->outbox_id); TAB(k);
	put_str(k, kind); TAB(k);
	put_str(k, key); TAB(k);
	put_u(k, (unsigned long long)cust_id); TAB(k);
	put_u(k, (unsigned long long)inv_id); TAB(k);
	put_str(k, c->email); TAB(k);
	put_str(k, subj); TAB(k);
	put_str(k, body); TAB(k);
	put_str(k, sent ? "sent" : "queued"); TAB(k);
	put_u(k, sent ? 1 : 0); TAB(k);
	put_datetime(k, at); TAB(k);
	put_str(k, ""); TAB(k);
	put_datetime(k, at); TAB(k);
	if (sent)
		put_datetime(k, at + 60);
	else
		put_null(k);
	put_end(k);
}

static void custom_fields(struct demo *d, const struct plan *p, long long inv_id, struct rng *r)
{
	struct sink *k = &d->t[T_CFIELDS];
	char v[64];

	if (rng_below(r, 100) < 25) {
		snprintf(v, sizeof(v), "PO-%d-%05d", year_of(p->day), (int)rng_below(r, 100000));
		put_u(k, (unsigned long long)++d->cf_id); TAB(k);
		put_u(k, (unsigned long long)inv_id); TAB(k);
		put_raw(k, "1\t", 2);
		put_str(k, v);
		put_end(k);
	}
	if (rng_below(r, 100) < 15) {
		snprintf(v, sizeof(v), "CC-%04d", (int)rng_below(r, 10000));
		put_u(k, (unsigned long long)++d->cf_id); TAB(k);
		put_u(k, (unsigned long long)inv_id); TAB(k);
		put_raw(k, "2\t", 2);
		put_str(k, v);
		put_end(k);
	}
	if (d->cust[p->cust].sched != SCH_NONE && rng_below(r, 100) < 40) {
		snprintf(v, sizeof(v), "CTR-%05d-%d", p->cust + 1, year_of(d->cust[p->cust].since));
		put_u(k, (unsigned long long)++d->cf_id); TAB(k);
		put_u(k, (unsigned long long)inv_id); TAB(k);
		put_raw(k, "3\t", 2);
		put_str(k, v);
		put_end(k);
	}
}

/* Takes the next number of a series (gap-free per year, in slot = date order). */
static struct seqno next_number(struct demo *d, int credit, long day)
{
	struct seqno sn;
	int yi;

	sn.year = year_of(day);
	yi = sn.year - d->year0;
	if (yi < 0 || yi >= 16)
		yi = 0;                 /* cannot happen: the span is at most 3 years */
	sn.seq = credit ? ++d->seq_cn[yi] : ++d->seq_inv[yi];
	return sn;
}

/* Everything of one slot: usage, lines, invoice, payments, audit, mail. */
static int do_slot(struct demo *d, long i)
{
	struct plan p;
	const struct customer *c;
	struct gline lines[MAX_LINES];
	struct money_line ml[MAX_LINES];
	struct money_totals t;
	struct rng pr = rng_for(d->seed, S_PAY, (uint64_t)i);
	struct rng mr = rng_for(d->seed, S_MISC, (uint64_t)i);
	struct sink *k = &d->t[T_INVOICES];
	long long inv_id = i + 1, cust_id, created, issued = 0, voided = 0, updated, first_line;
	char number[48] = "", tnumber[48] = "", json_b[512], json_a[512];
	struct seqno sn = { 0, 0, 0 };
	money_t credit_amt = 0, paid = 0;
	long due;
	int n, j, issued_st, site = 0;

	plan_slot(d, i, &p);
	c = &d->cust[p.cust];
	cust_id = p.cust + 1;
	if (!p.credit) {
		long ps, pe;

		/* a second invoice for the same period is for another site */
		period_of(c, p.day, &ps, &pe);
		if (ps >= 0) {
			if (d->last_ps[p.cust] == ps) {
				d->site[p.cust]++;
			} else {
				d->last_ps[p.cust] = ps;
				d->site[p.cust] = 1;
			}
			site = c->multisite || d->site[p.cust] > 1 ? d->site[p.cust] : 0;
		}
	}
	due = p.credit ? p.day : p.day + c->pay_days;
	issued_st = p.status != ST_DRAFT;
	created = time_on(d, &mr, p.day, 7, 12);
	if (issued_st) {
		issued = created + (long long)rng_range(&mr, 300, 5 * 3600);
		if (issued > d->now - 30)
			issued = created;
		sn = next_number(d, p.credit, p.day);
		sn.site = site;
		number_text(d, p.credit, sn, number, sizeof(number));
		if (!p.credit)
			d->ring[i % d->ringsz] = sn;
	}
	first_line = d->line_id + 1;

	if (p.credit) {
		/* the credited invoice's first line, regenerated */
		struct plan tp;
		struct gline tl[MAX_LINES];
		struct seqno tsn = d->ring[p.target % d->ringsz];

		plan_base(d, p.target, &tp);
		tp.cust = p.cust;
		if (plan_lines(d, &tp, tsn.site, tl, 0) < 1)
			return -1;
		lines[0] = tl[0];
		number_text(d, 0, tsn, tnumber, sizeof(tnumber));
		snprintf(lines[0].desc, sizeof(lines[0].desc), "Credit for invoice %s: %.1900s (service outage)",
			 tnumber, tl[0].desc);
		n = 1;
	} else {
		n = plan_lines(d, &p, site, lines, 1);
		/* usage lines: take this invoice's share of the records; drop empty ones */
		for (j = 0; j < n; j++) {
			struct gline *l = &lines[j];
			long long cnt;

			if (!l->usage)
				continue;
			cnt = records_of_line(d, d->uline++);
			if (!cnt) {
				memmove(l, l + 1, sizeof(*l) * (size_t)(n - j - 1));
				n--;
				j--;
				continue;
			}
			l->nrec = cnt;
		}
		for (j = 0; j < n; j++) {
			struct gline *l = &lines[j];
			struct rng ur;
			long long from, to, r;
			int64_t q = 0, amt = 0;
			char per[64], mins[48], sitetxt[32] = "";

			if (!l->usage)
				continue;
			ur = rng_for(d->seed, S_USAGE, (uint64_t)(d->uline * 8 + (unsigned)j));
			usage_window(d, c, l->ps, l->pe, &from, &to);
			for (r = 0; r < l->nrec; r++)
				usage_record(d, c, cust_id, &ur, from, to,
					     l->dest >= 0 ? l->dest : c->dest[rng_below(&ur, (uint64_t)c->ndest)],
					     inv_id, first_line + j, &q, &amt);
			period_text(l->ps, l->pe, per, sizeof(per));
			money_to_decimal(q / 10000, 2, mins, sizeof(mins));
			if (site)
				snprintf(sitetxt, sizeof(sitetxt), ", site %d", site);
			if (l->dest >= 0) {
				/* per destination: minutes x rate */
				l->qty = q;
				l->price = dest_rate(c, l->dest);
				l->unit = "MIN";
				l->pkg = pkg_id(PT_USAGE0 + l->dest, c->cur);
				snprintf(l->desc, sizeof(l->desc), "Voice calls to %s%s, %s (%lld calls)",
					 dests[l->dest].name, sitetxt, per, l->nrec);
			} else {
				/* all destinations in one line: the rated sum */
				l->qty = MONEY_SCALE;
				l->price = amt;
				l->unit = "C62";
				snprintf(l->desc, sizeof(l->desc), "Voice calls, all destinations%s, %s (%lld calls, %s min)",
					 sitetxt, per, l->nrec, mins);
			}
		}
	}
	if (compute(d, lines, n, c, p.doc_round, ml, &t))
		return -1;
	if (t.gross <= 0) {
		seterr(d, "slot %ld: invoice total not positive", i);
		return -1;
	}
	if (write_lines(d, inv_id, first_line, lines, n, ml, &t, p.doc_round, c->exp))
		return -1;
	d->line_id += n;

	/* credit: the credit note pays off part of the credited invoice */
	if (p.credited_by >= 0) {
		struct money_line cl = ml[0];
		struct money_totals ct;

		if (money_totals(&cl, 1, c->exp, p.doc_round, &ct))
			return -1;
		credit_amt = ct.gross;
		paid = credit_amt;
	}
	if (p.credit) {
		long long at = issued + 600 < d->now - 1 ? issued + 600 : d->now - 1;
		char amt[48];

		paid = t.gross;
		allocation(d, p.target + 1, 0, inv_id, t.gross, c->exp, at);
		money_to_decimal(t.gross, c->exp, amt, sizeof(amt));
		snprintf(json_a, sizeof(json_a), "{\"credit_note_id\":%lld,\"credit_note\":\"%s\",\"amount\":\"%s\"}",
			 inv_id, number, amt);
		audit(d, at, d->uid_billing, "billing@example.com", "invoice", p.target + 1, "credit", NULL, json_a);
	}

	/* payments */
	if (!p.credit && issued_st && p.status != ST_VOID) {
		money_t rest = t.gross - credit_amt;
		long age = d->today - p.day;
		long pay_day = p.day + (long)rng_range(&pr, 0, age < c->pay_days + 15 ? age : c->pay_days + 15);
		long long at = time_on(d, &pr, pay_day, 8, 18);
		const char *method = !strcmp(c->currency, "EUR") && rng_below(&pr, 3) == 0 ? "direct_debit"
				     : rng_below(&pr, 10) == 0 ? "card" : "transfer";

		if (p.pay == PAY_FULL && rest > 0) {
			int parts = rest > 10 && rng_below(&pr, 10) == 0 ? 2 : 1, part;
			money_t first = parts == 2 ? rest / 2 : rest;

			for (part = 1; part <= parts; part++) {
				money_t amt = part == 1 ? first : rest - first;
				long pday = part == 1 ? pay_day : pay_day + (long)rng_range(&pr, 0, d->today - pay_day);
				long long pat = part == 1 ? at : time_on(d, &pr, pday, 8, 18);

				payment(d, c, cust_id, inv_id, number, amt, amt, pday, pat, method, part, parts);
				allocation(d, inv_id, d->pay_id, 0, amt, c->exp, pat);
				amount_json(json_b, sizeof(json_b), "open", number, t.gross, paid, c->exp, 0, NULL);
				paid += amt;
				amount_json(json_a, sizeof(json_a), paid == t.gross ? "paid" : "open", number, t.gross,
					    paid, c->exp, d->pay_id, "payment_id");
				audit(d, pat, d->uid_billing, "billing@example.com", "invoice", inv_id, "allocate",
				      json_b, json_a);
			}
		} else if (p.pay == PAY_PARTIAL && rest > 1) {
			money_t amt = rest * (money_t)rng_range(&pr, 20, 80) / 100;

			if (amt <= 0)
				amt = 1;
			if (amt >= rest)
				amt = rest - 1;
			payment(d, c, cust_id, inv_id, number, amt, amt, pay_day, at, method, 1, 1);
			allocation(d, inv_id, d->pay_id, 0, amt, c->exp, at);
			amount_json(json_b, sizeof(json_b), "open", number, t.gross, paid, c->exp, 0, NULL);
			paid += amt;
			amount_json(json_a, sizeof(json_a), "open", number, t.gross, paid, c->exp, d->pay_id, "payment_id");
			audit(d, at, d->uid_billing, "billing@example.com", "invoice", inv_id, "allocate", json_b, json_a);
		}
		/* now and then a payment on account that names no invoice */
		if (rng_below(&pr, 1000) < 3)
			payment(d, c, cust_id, 0, NULL, rest > 0 ? rest : t.gross, 0, pay_day, at, "transfer", 1, 1);
	}
	if (issued_st && p.status != ST_VOID && !p.credit)
		p.status = paid == t.gross ? ST_PAID : ST_OPEN;
	if (p.status == ST_VOID)
		voided = issued + (long long)rng_range(&mr, 3600, 20 * 86400LL);
	if (voided > d->now - 30)
		voided = d->now - 30 > issued ? d->now - 30 : issued;
	updated = voided ? voided : issued ? issued : created;

	/* audit: issue and void, by the billing clerk */
	if (issued_st) {
		amount_json(json_a, sizeof(json_a), "open", number, t.gross, 0, c->exp, 0, NULL);
		audit(d, issued, d->uid_billing, "billing@example.com", "invoice", inv_id, "issue",
		      "{\"status\":\"draft\"}", json_a);
	}
	if (voided) {
		amount_json(json_b, sizeof(json_b), "open", number, t.gross, 0, c->exp, 0, NULL);
		amount_json(json_a, sizeof(json_a), "void", number, t.gross, 0, c->exp, 0, NULL);
		audit(d, voided, d->uid_admin, "admin@example.com", "invoice", inv_id, "void", json_b, json_a);
	}
	/* mail: invoices issued in the last two weeks, reminders for recent overdue ones */
	if (issued_st && !p.credit && issued > d->now - 14 * 86400LL)
		mail(d, c, cust_id, inv_id, "invoice_issued", 1, number, t.gross, due, issued + 60);
	if (p.status == ST_OPEN && due < d->today && due >= d->today - 10)
		mail(d, c, cust_id, inv_id, "overdue_reminder", 1, number, t.gross - paid, due,
		     (long long)(due + 1) * 86400 + 6 * 3600);
	if (!p.credit)
		custom_fields(d, &p, inv_id, &mr);

	/* the invoice row */
	if (!sink_need(k, ROW_MAX))
		return -1;
	put_u(k, (unsigned long long)inv_id); TAB(k);
	put_str(k, p.credit ? "credit" : "invoice"); TAB(k);
	put_u(k, p.credit ? 381 : 380); TAB(k);
	put_id(k, p.credit ? p.target + 1 : 0); TAB(k);
	put_str(k, issued_st ? number : NULL); TAB(k);
	put_u(k, (unsigned long long)cust_id); TAB(k);
	put_str(k, c->name); TAB(k);
	put_str(k, status_names[p.status]); TAB(k);
	put_str(k, c->currency); TAB(k);
	put_date(k, p.day); TAB(k);
	put_date(k, due); TAB(k);
	if (p.credit) {
		put_null(k); TAB(k);
		put_null(k); TAB(k);
	} else {
		long ps, pe;

		period_of(c, p.day, &ps, &pe);
		put_date(k, ps); TAB(k);
		put_date(k, pe); TAB(k);
	}
	put_str(k, p.doc_round ? "document" : "line"); TAB(k);
	put_money(k, t.net, c->exp); TAB(k);
	put_money(k, t.tax, c->exp); TAB(k);
	put_money(k, t.gross, c->exp); TAB(k);
	put_money(k, paid, c->exp); TAB(k);
	put_str(k, !strcmp(c->currency, "EUR") ? "58" : "30"); TAB(k);
	put_str(k, c->buyer_ref); TAB(k);
	if (issued_st)
		buyer_json(k, c);
	else
		put_null(k);
	TAB(k);
	put_str(k, rng_below(&mr, 10) == 0 ? notes_text[rng_below(&mr, N(notes_text))] : NULL); TAB(k);
	put_datetime(k, issued); TAB(k);
	put_datetime(k, voided); TAB(k);
	put_str(k, voided ? void_reasons[rng_below(&mr, N(void_reasons))] : NULL); TAB(k);
	put_datetime(k, created); TAB(k);
	put_datetime(k, updated); TAB(k);
	put_u(k, 1); TAB(k);
	put_raw(k, "none\t0", 6);
	put_end(k);
	return 0;
}

/* Usage not yet billed: the current period of each telecom customer. */
static void unbilled_usage(struct demo *d, long cidx, long long cnt)
{
	const struct customer *c = &d->cust[cidx];
	struct rng r = rng_for(d->seed, S_UNBILLED, (uint64_t)cidx);
	long bu = billed_until(d, c);
	long long from, to, i;
	int64_t q = 0, amt = 0;

	usage_window(d, c, bu >= 0 ? bu + 1 : d->today - 30, d->today, &from, &to);
	for (i = 0; i < cnt; i++)
		usage_record(d, c, cidx + 1, &r, from, to, c->dest[rng_below(&r, (uint64_t)c->ndest)], 0, 0, &q, &amt);
}

static int gen_invoices(struct src *s)
{
	struct demo *d = s->d;
	struct sink *k = s->sink;
	long ntel = 0, c, before = 0;

	while (d->slot < d->n && k->len < 65536) {
		if (do_slot(d, d->slot++))
			return -1;
		s->pos = d->slot;
	}
	for (c = T_LINES; c < NT; c++) {
		if (d->t[c].err) {
			seterr(d, "writing a temporary file: %s", strerror(d->t[c].err));
			return -1;
		}
	}
	if (d->slot < d->n)
		return 1;
	/* after the last slot: the unbilled usage, spread over telecom customers */
	for (c = 0; c < d->ncust; c++)
		ntel += d->cust[c].telecom && d->cust[c].ndest > 0;
	if (!ntel)
		return 0;               /* cannot happen: customer 1 is a telecom customer */
	for (c = 0; c < d->ncust; c++) {
		long long share;

		if (!d->cust[c].telecom || !d->cust[c].ndest)
			continue;
		share = (long long)(((__int128)(before + 1) * d->unbilled) / ntel - ((__int128)before * d->unbilled) / ntel);
		before++;
		unbilled_usage(d, c, share);
		if (d->t[T_USAGE].err)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- the loading */

static ierr user(struct demo *d, const char *email, const char *name, enum auth_role role, long long cust,
		 const char *password, long long *id)
{
	struct db_res r;
	ierr e;

	/* keep an existing account of that address (an operator may have made it) */
	e = db_query_row(d->db, &r, "SELECT id FROM users WHERE email = ?", DB_ARGS(DB_S(email)));
	if (e == IE_OK)
		*id = db_int(&r, 0);
	db_free(&r);
	if (e == IE_OK)
		return IE_OK;
	if (e != IE_NOTFOUND) {
		seterr(d, "reading users: %s", db_error(d->db));
		return e;
	}
	if ((e = auth_user_add(d->db, d->cfg, email, name, role, cust, password, id)))
		seterr(d, "creating user %s: %s (%s)", email, ierr_name(e), db_error(d->db));
	return e;
}

static ierr pref(struct demo *d, long long uid, const char *key, const char *value)
{
	ierr e = db_exec(d->db, "INSERT INTO user_prefs (user_id, pref, value) VALUES (?, ?, ?) "
			 "ON DUPLICATE KEY UPDATE value = VALUES(value)",
			 DB_ARGS(DB_I(uid), DB_S(key), DB_S(value)), NULL, NULL);

	if (e)
		seterr(d, "writing user_prefs: %s", db_error(d->db));
	return e;
}

static ierr users(struct demo *d)
{
	ierr e;

	if ((e = user(d, "admin@example.com", "Ada Admin", ROLE_ADMIN, 0, "admin-pass", &d->uid_admin))
	    || (e = user(d, "billing@example.com", "Bernd Billing", ROLE_BILLING, 0, "billing-pass", &d->uid_billing))
	    || (e = user(d, "support@example.com", "Sanna Support", ROLE_SUPPORT, 0, "support-pass", &d->uid_support))
	    || (e = user(d, "customer1@example.com", "Zoë Müller", ROLE_CUSTOMER, 1, "customer1-pass", &d->uid_cust1))
	    || (e = user(d, "customer2@example.com", "Łukasz Żółkiewski", ROLE_CUSTOMER, 2, "customer2-pass",
			 &d->uid_cust2)))
		return e;
	if ((e = pref(d, d->uid_billing, "invoices.cols", "number,customer,date,due,total,paid,balance,status"))
	    || (e = pref(d, d->uid_billing, "invoices.per_page", "100"))
	    || (e = pref(d, d->uid_admin, "invoices.cols", "number,customer,date,period,due,total,balance,status"))
	    || (e = pref(d, d->uid_cust1, "invoices.cols", "number,date,due,total,paid_state,status")))
		return e;
	return IE_OK;
}

static ierr sequences(struct demo *d)
{
	int y;
	ierr e;

	for (y = 0; y < d->nyears; y++) {
		if ((e = db_exec(d->db, "INSERT INTO number_sequences (series, year, next_value) VALUES (?, ?, ?)",
				 DB_ARGS(DB_S("invoice"), DB_I(d->year0 + y), DB_I(d->seq_inv[y] + 1)), NULL, NULL))
		    || (e = db_exec(d->db, "INSERT INTO number_sequences (series, year, next_value) VALUES (?, ?, ?)",
				    DB_ARGS(DB_S("credit"), DB_I(d->year0 + y), DB_I(d->seq_cn[y] + 1)), NULL, NULL))) {
			seterr(d, "writing number_sequences: %s", db_error(d->db));
			return e;
		}
	}
	return IE_OK;
}

static void reset(struct demo *d)
{
	d->line_id = d->tax_id = d->cf_id = d->pay_id = d->alloc_id = d->usage_id = d->audit_id = d->outbox_id = 0;
	d->uline = 0;
	d->slot = 0;
	if (d->last_ps) {
		long c;

		for (c = 0; c < d->ncust; c++) {
			d->last_ps[c] = -1;
			d->site[c] = 0;
		}
	}
	memset(d->seq_inv, 0, sizeof(d->seq_inv));
	memset(d->seq_cn, 0, sizeof(d->seq_cn));
	d->step = 0;
	d->err[0] = '\0';
}

static ierr small_load(struct demo *d, struct sink *k, const char *name, int (*gen)(struct src *), long long total,
		       struct src *s)
{
	memset(s, 0, sizeof(*s));
	memset(k, 0, sizeof(*k));
	if (sink_open(k, 0))
		return IE_NOMEM;
	s->d = d;
	s->name = name;
	s->sink = k;
	s->gen = gen;
	s->total = total;
	step(d, name);
	return IE_OK;
}

static ierr load_side(struct demo *d, int t)
{
	static const char *const names[NT] = { "invoices", "invoice_lines", "invoice_tax_totals",
		"invoice_custom_fields", "payments", "payment_allocations", "usage_records", "audit_events", "outbox" };
	struct src s;
	ierr e;

	step(d, names[t]);
	if ((e = rewind_sink(d, &s, &d->t[t], names[t])))
		return e;
	switch (t) {
	case T_LINES:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'invoice_lines.tsv' INTO TABLE invoice_lines" TSV
			    "(id, invoice_id, position, package_id, source, description, quantity, unit_code, unit_price, "
			    "tax_rate, vat_category, exemption_code, exemption_reason, tax_description, period_start, "
			    "period_end, net_amount, tax_amount)");
	case T_TAXES:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'invoice_tax_totals.tsv' INTO TABLE invoice_tax_totals" TSV
			    "(id, invoice_id, vat_category, tax_rate, exemption_code, exemption_reason, net_amount, tax_amount)");
	case T_CFIELDS:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'invoice_custom_fields.tsv' INTO TABLE invoice_custom_fields" TSV
			    "(id, invoice_id, field_id, value)");
	case T_PAYMENTS:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'payments.tsv' INTO TABLE payments" TSV
			    "(id, customer_id, currency, amount, allocated_amount, received_on, method, reference, notes, "
			    "created_by, created_at)");
	case T_ALLOCS:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'payment_allocations.tsv' INTO TABLE payment_allocations" TSV
			    "(id, invoice_id, payment_id, credit_note_id, amount, created_by, created_at)");
	case T_USAGE:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'usage_records.tsv' INTO TABLE usage_records" TSV
			    "(id, customer_id, started_at, service, destination, quantity, unit_code, amount, package_id, "
			    "invoice_id, invoice_line_id, source_ref)");
	case T_AUDIT:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'audit_events.tsv' INTO TABLE audit_events" TSV
			    "(id, occurred_at, user_id, actor, address, entity, entity_id, action, before_json, after_json)");
	case T_OUTBOX:
		return LOAD(d, &s, "LOAD DATA LOCAL INFILE 'outbox.tsv' INTO TABLE outbox" TSV
			    "(id, kind, dedupe_key, customer_id, invoice_id, to_address, subject, body, status, attempts, "
			    "next_attempt_at, last_error, created_at, sent_at)");
	default:
		return IE_INTERNAL;
	}
}

/* Counts the usage lines of all slots so the records can be spread exactly. */
static void prepass(struct demo *d)
{
	long i;
	struct plan p;

	d->nulines = 0;
	for (i = 0; i < d->n; i++) {
		plan_slot(d, i, &p);
		if (!p.credit)
			d->nulines += p.nusage;
		if ((i & 0xffff) == 0)
			progress(d, "planning", i, d->n, 0);
	}
	d->billed = d->nulines ? d->o->usage - d->o->usage / 10 : 0;
	d->unbilled = d->o->usage - d->billed;
}

static ierr demo_tx(struct db *db, void *ctx)
{
	struct demo *d = ctx;
	struct src s;
	struct sink mem;
	ierr e;
	int t;

	(void)db;
	reset(d);
	for (t = 0; t < NT; t++)
		sink_close(&d->t[t]);
	/* the totals and search-term triggers would run once per loaded row: rebuilt once at the end */
	if ((e = db_exec(d->db, "SET SESSION foreign_key_checks = 0", DB_NOARGS, NULL, NULL))
	    || (e = db_exec(d->db, "SET SESSION unique_checks = 0", DB_NOARGS, NULL, NULL))
	    || (e = db_exec(d->db, "SET @invoice_totals_off = 1", DB_NOARGS, NULL, NULL))) {
		seterr(d, "session setup: %s", db_error(d->db));
		return e;
	}

	step(d, "users");
	if ((e = users(d)))
		return e;

	if ((e = small_load(d, &mem, "customers", gen_customers, d->ncust, &s)))
		goto oom;
	e = LOAD(d, &s, "LOAD DATA LOCAL INFILE 'customers.tsv' INTO TABLE customers" TSV
		 "(id, name, legal_name, email, phone, currency, time_zone, locale, payment_days, invoice_schedule, "
		 "line_grouping, billed_until, vat_id, street, address_line2, city, post_code, region, country, "
		 "buyer_reference, endpoint_id, endpoint_scheme, notify_issued, notify_overdue, notify_payment, notes, active, "
		 "created_at, updated_at)");
	sink_close(&mem);
	if (e)
		return e;

	if ((e = small_load(d, &mem, "packages", gen_packages, 1, &s)))
		goto oom;
	e = LOAD(d, &s, "LOAD DATA LOCAL INFILE 'packages.tsv' INTO TABLE packages" TSV
		 "(id, name, description, kind, currency, unit_price, unit_code, default_quantity, tax_rate, "
		 "vat_category, tax_description, usage_service, usage_destination, active, created_at, updated_at)");
	sink_close(&mem);
	if (e)
		return e;

	if ((e = small_load(d, &mem, "customer_packages", gen_customer_packages, d->ncust, &s)))
		goto oom;
	e = LOAD(d, &s, "LOAD DATA LOCAL INFILE 'customer_packages.tsv' INTO TABLE customer_packages" TSV
		 "(id, customer_id, package_id, quantity, unit_price, description, start_date, end_date, created_at)");
	sink_close(&mem);
	if (e)
		return e;

	if ((e = small_load(d, &mem, "custom_field_defs", gen_cfdefs, 1, &s)))
		goto oom;
	e = LOAD(d, &s, "LOAD DATA LOCAL INFILE 'custom_field_defs.tsv' INTO TABLE custom_field_defs" TSV
		 "(id, field_key, label, field_type, visible_to_customer, print_on_pdf, position, active, created_at)");
	sink_close(&mem);
	if (e)
		return e;

	step(d, "planning");
	prepass(d);

	/* invoices: the generator streams them and spills the other tables */
	for (t = 0; t < NT; t++) {
		if (sink_open(&d->t[t], t != T_INVOICES)) {
			seterr(d, "cannot create a temporary file in %s: %s",
			       getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno));
			return IE_IO;
		}
	}
	memset(&s, 0, sizeof(s));
	s.d = d;
	s.name = "invoices";
	s.sink = &d->t[T_INVOICES];
	s.gen = gen_invoices;
	s.total = d->n;
	step(d, "invoices");
	if ((e = LOAD(d, &s, "LOAD DATA LOCAL INFILE 'invoices.tsv' INTO TABLE invoices" TSV
		      "(id, kind, type_code, credited_invoice_id, number, customer_id, customer_name, status, currency, "
		      "invoice_date, due_date, period_start, period_end, tax_rounding, net_total, tax_total, total, "
		      "paid_amount, payment_means, buyer_reference, buyer_snapshot, notes, issued_at, voided_at, "
		      "void_reason, created_at, updated_at, row_version, pdf_state, link_epoch)")))
		return e;
	for (t = T_LINES; t < NT; t++)
		if ((e = load_side(d, t)))
			return e;
	step(d, "number_sequences");
	if ((e = sequences(d)))
		return e;
	step(d, "invoice totals");
	if ((e = db_exec(d->db, "CALL invoice_totals_rebuild()", DB_NOARGS, NULL, NULL))
	    || (e = db_exec(d->db, "CALL invoice_amount_totals_rebuild()", DB_NOARGS, NULL, NULL))
	    || (e = db_exec(d->db, "CALL invoice_customer_totals_rebuild()", DB_NOARGS, NULL, NULL))) {
		seterr(d, "invoice totals: %s", db_error(d->db));
		return e;
	}
	step(d, "search terms");
	if ((e = db_exec(d->db, "CALL invoice_terms_rebuild()", DB_NOARGS, NULL, NULL))
	    || (e = db_exec(d->db, "SET @invoice_totals_off = NULL", DB_NOARGS, NULL, NULL))) {
		seterr(d, "search terms: %s", db_error(d->db));
		return e;
	}
	step(d, "commit");
	return IE_OK;
oom:
	seterr(d, "out of memory");
	return IE_NOMEM;
}

ierr demo_run(struct db *db, const struct config *cfg, const struct demo_opts *o, char *errbuf, size_t errlen)
{
	struct demo *d;
	struct db_res r;
	long i, per_country[N(countries)] = { 0 };
	int weights = 0, t;
	ierr e;

	if (errlen)
		errbuf[0] = '\0';
	if (o->customers < 2 || o->customers > 10000000 || o->invoices < 0 || o->usage < 0
	    || o->invoices > 100000000 || o->usage > 1000000000) {
		snprintf(errbuf, errlen, "need at least 2 customers and non-negative counts");
		return IE_INVALID;
	}
	e = db_query_row(db, &r, "SELECT COUNT(*) FROM customers", DB_NOARGS);
	if (e == IE_OK && db_int(&r, 0) > 0)
		e = IE_CONFLICT;
	db_free(&r);
	if (e == IE_CONFLICT) {
		snprintf(errbuf, errlen, "the database already has customers; demo data goes into an empty database");
		return e;
	}
	if (e) {
		snprintf(errbuf, errlen, "cannot read customers (%s); has `invoicectl migrate` run?", db_error(db));
		return e;
	}

	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(errbuf, errlen, "out of memory");
		return IE_NOMEM;
	}
	d->db = db;
	d->cfg = cfg;
	d->o = o;
	d->seed = o->seed;
	d->progress = o->progress;
	d->start_ns = mono_ns();
	d->nsteps = 18;
	d->now = (long long)time(NULL);
	d->today = (long)(d->now / 86400);
	d->ncust = o->customers;
	d->n = o->invoices;
	/* about one invoice per customer and month, between 3 months and 3 years */
	d->span = (long)((long long)d->n * 30 / d->ncust);
	d->span = d->span < 90 ? 90 : d->span > 1095 ? 1095 : d->span;
	d->d0 = d->today - d->span + 1;
	d->k = d->n ? (long)((long long)15 * d->n / d->span) : 1;
	if (d->k < 1)
		d->k = 1;
	d->ringsz = d->k + 64;      /* forced credit notes may sit a few slots further */
	d->year0 = year_of(d->d0);
	d->nyears = year_of(d->today) - d->year0 + 1;
	str_copy(d->prefix, sizeof(d->prefix), cfg->invoice_prefix[0] ? cfg->invoice_prefix : "INV");
	str_copy(d->cprefix, sizeof(d->cprefix), config_get(cfg, "Invoice.CreditPrefix", "CN"));
	str_copy(d->seller_country, sizeof(d->seller_country), config_get(cfg, "Seller.Country", "DE"));
	d->cust = calloc((size_t)d->ncust, sizeof(*d->cust));
	d->ring = calloc((size_t)d->ringsz, sizeof(*d->ring));
	d->last_ps = calloc((size_t)d->ncust, sizeof(*d->last_ps));
	d->site = calloc((size_t)d->ncust, sizeof(*d->site));
	if (!d->cust || !d->ring || !d->last_ps || !d->site) {
		snprintf(errbuf, errlen, "out of memory");
		e = IE_NOMEM;
		goto out;
	}

	/* customers: the specials, then countries by weight */
	for (i = 0; i < N(countries); i++)
		weights += countries[i].weight;
	for (i = 0; i < d->ncust; i++) {
		int ci;

		if (i < N(specials)) {
			ci = specials[i].country;
		} else {
			struct rng cr = rng_for(d->seed, S_CUST, (uint64_t)i ^ 0xc0c0c0c0ULL);
			int w = (int)rng_below(&cr, (uint64_t)weights);

			for (ci = 0; ci < N(countries) - 1 && w >= countries[ci].weight; ci++)
				w -= countries[ci].weight;
		}
		make_customer(d, i, per_country[ci]++, ci, &d->cust[i]);
		for (t = 0; t < d->cust[i].npk; t++) {
			int64_t list = pkg_price(d->cust[i].pk[t], d->cust[i].cur);

			/* negotiated: 10% off, still in the currency's minor unit */
			d->cust[i].pkprice[t] = list;
			if (d->cust[i].pkcustom[t]) {
				int64_t unit = 1;
				int x;

				for (x = d->cust[i].exp < 2 ? d->cust[i].exp : 2; x < 6; x++)
					unit *= 10;
				d->cust[i].pkprice[t] = list * 9 / 10 / unit * unit;
				if (d->cust[i].pkprice[t] <= 0)
					d->cust[i].pkprice[t] = list;
			}
		}
	}
	/* expected invoices per billing period (plan_base's customer choice):
	 * where that is well above one, each invoice is for one of the sites */
	for (i = 0; i < d->ncust; i++) {
		struct customer *c = &d->cust[i];
		long long rest = d->ncust > 2 ? d->ncust - 2 : 1, heavy = (d->ncust - 2) / 10 + 1, ppm;
		long long per = c->sched == SCH_WEEKLY ? 7 : c->sched == SCH_DAILY ? 1 : 30;

		if (d->ncust < 3)
			ppm = 500000;
		else if (i < 2)
			ppm = 5000;
		else
			ppm = 690000 / rest + (i < 2 + heavy ? 300000 / heavy : 0);
		/* share (ppm) x invoices x days per period / span > 1.5 */
		c->multisite = ppm * d->n * per / d->span > 1500000;
	}
	force_statuses(d);

	e = db_tx(db, demo_tx, d);
	if (d->progress)
		fputs(e ? "\n" : "\r\033[K", stderr);
	/* back to the defaults on this connection (a new one has them anyway) */
	db_exec(db, "SET SESSION foreign_key_checks = 1", DB_NOARGS, NULL, NULL);
	db_exec(db, "SET SESSION unique_checks = 1", DB_NOARGS, NULL, NULL);
	db_exec(db, "SET @invoice_totals_off = NULL", DB_NOARGS, NULL, NULL);
	if (e) {
		snprintf(errbuf, errlen, "%s", d->err[0] ? d->err : db_error(db));
		if (!d->err[0] && !db_error(db)[0])
			snprintf(errbuf, errlen, "%s", ierr_name(e));
	} else if (d->progress) {
		fprintf(stderr, "demo: %ld customers, %ld invoices (%lld lines), %lld payments, %lld usage records in %llds\n",
			d->ncust, d->n, d->line_id, d->pay_id, d->usage_id, (mono_ns() - d->start_ns) / 1000000000LL);
	}
out:
	for (t = 0; t < NT; t++)
		sink_close(&d->t[t]);
	free(d->cust);
	free(d->ring);
	free(d->last_ps);
	free(d->site);
	free(d);
	return e;
}
