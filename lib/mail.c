/* mail.c — MIME composition and sendmail delivery (see mail.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>
#include "html.h"
#include "mail.h"

#define MAIL_QP_LINE 76
#define MAIL_WORD_BYTES 45          /* 60 base64 characters + 12 of "=?UTF-8?B?" "?=" = 72 <= 75 */
#define MAIL_MAX_ARGS 16

int mail_address_ok(const char *addr)
{
	const char *at = NULL, *p;

	if (!addr || !*addr || strlen(addr) > 254)
		return 0;
	for (p = addr; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || strchr("<>,;:\"()[]\\", c))
			return 0;
		if (c == '@') {
			if (at)
				return 0;
			at = p;
		}
	}
	return at && at != addr && at[1] != '\0';
}

static int header_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

ierr mail_header_value(struct buf *out, const char *value, size_t used)
{
	size_t n = strlen(value), i = 0;
	ierr e = IE_OK;

	if (has_control(value) || !utf8_valid(value, n))
		return IE_INVALID;
	if (header_ascii(value))
		return buf_put(out, value, n);
	(void)used;   /* every encoded-word fits a line of its own after a header name */
	while (i < n && !e) {
		size_t k = n - i < MAIL_WORD_BYTES ? n - i : MAIL_WORD_BYTES;
		char b64[sodium_base64_ENCODED_LEN(MAIL_WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];

		/* never split a UTF-8 character: back off continuation bytes */
		while (i + k < n && k > 0 && ((unsigned char)value[i + k] & 0xc0) == 0x80)
			k--;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)value + i, k,
				  sodium_base64_VARIANT_ORIGINAL);
		if (i > 0)
			e = buf_puts(out, "\n ");
		if (!e)
			e = buf_printf(out, "=?UTF-8?B?%s?=", b64);
		i += k;
	}
	return e;
}

static ierr qp_token(struct buf *out, const char *tok, size_t len, size_t *col)
{
	ierr e;

	if (*col + len > MAIL_QP_LINE - 1) {
		if ((e = buf_puts(out, "=\n")))
			return e;
		*col = 0;
	}
	*col += len;
	return buf_put(out, tok, len);
}

ierr mail_qp(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, col = 0;
	ierr e = IE_OK;

	for (i = 0; i < n && !e; i++) {
		unsigned char c = (unsigned char)s[i];
		char tok[3];

		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		if (c == '\n') {
			e = buf_putc(out, '\n');
			col = 0;
			continue;
		}
		/* blanks stay literal unless they end a line (or the text) */
		if ((c >= 33 && c <= 126 && c != '=')
		    || ((c == ' ' || c == '\t') && i + 1 < n && s[i + 1] != '\n' && s[i + 1] != '\r')) {
			tok[0] = (char)c;
			e = qp_token(out, tok, 1, &col);
		} else {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
			e = qp_token(out, tok, 3, &col);
		}
	}
	return e;
}

ierr mail_date(time_t t, char *out, size_t outsz)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	int n;

	if (!gmtime_r(&t, &tm))
		return IE_INVALID;
	n = snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n < 0 || (size_t)n >= outsz ? IE_OVERFLOW : IE_OK;
}

static ierr put_header(struct buf *out, const char *name, const char *value)
{
	ierr e;

	if ((e = buf_printf(out, "%s: ", name)) || (e = mail_header_value(out, value, strlen(name) + 2)))
		return e;
	return buf_putc(out, '\n');
}

static ierr put_part(struct buf *out, const char *boundary, const char *type, const char *body)
{
	ierr e;

	if (boundary && (e = buf_printf(out, "\n--%s\n", boundary)))
		return e;
	if ((e = buf_printf(out, "Content-Type: %s; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n",
			    type)))
		return e;
	if ((e = mail_qp(out, body, strlen(body))))
		return e;
	return body[0] && body[strlen(body) - 1] != '\n' ? buf_putc(out, '\n') : IE_OK;
}

ierr mail_compose(const struct mail_msg *m, struct buf *out)
{
	char date[40];
	int alt = m->html && m->html[0];
	ierr e;

	if (!mail_address_ok(m->from) || !mail_address_ok(m->to) || has_control(m->message_id)
	    || strpbrk(m->message_id, "<> ") || !strchr(m->message_id, '@')
	    || (alt && (!m->boundary[0] || strstr(m->text, m->boundary) || strstr(m->html, m->boundary))))
		return IE_INVALID;
	if ((e = mail_date(m->date, date, sizeof(date))))
		return e;
	if (m->from_name && m->from_name[0]) {
		if ((e = buf_puts(out, "From: ")) || (e = mail_header_value(out, m->from_name, 6))
		    || (e = buf_printf(out, " <%s>\n", m->from)))
			return e;
	} else if ((e = buf_printf(out, "From: %s\n", m->from))) {
		return e;
	}
	if ((e = buf_printf(out, "To: %s\n", m->to)) || (e = put_header(out, "Subject", m->subject))
	    || (e = buf_printf(out, "Date: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n", date, m->message_id)))
		return e;
	if (!alt)
		return put_part(out, NULL, "text/plain", m->text);
	if ((e = buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\n\n"
			    "This is a multi-part message in MIME format.\n", m->boundary))
	    || (e = put_part(out, m->boundary, "text/plain", m->text))
	    || (e = put_part(out, m->boundary, "text/html", m->html)))
		return e;
	return buf_printf(out, "\n--%s--\n", m->boundary);
}

/* ---- delivery ---- */

static size_t split_words(char *cmd, char **argv, size_t max)
{
	size_t n = 0;
	char *p = cmd;

	while (*p && n + 1 < max) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		argv[n++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[n] = NULL;
	return n;
}

static long remaining_ms(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Feeds the message and collects the command's output until it closes both
 * pipes or the deadline passes (returns 0 then). */
static int pump(int *inp, int outfd, const struct buf *msg, const struct timespec *deadline, char *said, size_t saidsz)
{
	size_t off = 0, got = 0;
	int open_out = 1, in = *inp;

	while (in >= 0 || open_out) {
		struct pollfd p[2];
		nfds_t np = 0;
		long ms = remaining_ms(deadline);

		if (ms <= 0)
			return 0;
		if (in >= 0)
			p[np++] = (struct pollfd){ in, POLLOUT, 0 };
		if (open_out)
			p[np++] = (struct pollfd){ outfd, POLLIN, 0 };
		if (poll(p, np, (int)ms) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		for (nfds_t k = 0; k < np; k++) {
			if (p[k].fd == in && (p[k].revents & (POLLOUT | POLLERR | POLLHUP))) {
				ssize_t w = off < msg->len ? write(in, msg->data + off, msg->len - off) : 0;

				if (w > 0)
					off += (size_t)w;
				if (w < 0 && errno != EINTR && errno != EAGAIN)
					off = msg->len;     /* it stopped reading: the exit status tells */
				if (off >= msg->len) {
					close(in);
					in = *inp = -1;
				}
			} else if (p[k].fd == outfd && (p[k].revents & (POLLIN | POLLERR | POLLHUP))) {
				char chunk[512];
				ssize_t r = read(outfd, chunk, sizeof(chunk));

				if (r <= 0 && !(r < 0 && errno == EINTR)) {
					open_out = 0;
				} else if (r > 0 && got + 1 < saidsz) {
					size_t k2 = (size_t)r < saidsz - 1 - got ? (size_t)r : saidsz - 1 - got;

					memcpy(said + got, chunk, k2);
					got += k2;
					said[got] = '\0';
				}
			}
		}
	}
	return 1;
}

static void one_line(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			s[i] = ' ';
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

ierr mail_sendmail(const char *command, const struct buf *msg, unsigned timeout_s, char *err, size_t errsz)
{
	char cmd[512], said[300] = "", *argv[MAIL_MAX_ARGS];
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, status = 0, done;
	struct sigaction ign, old;
	struct timespec deadline;
	pid_t pid;
	ierr e = IE_IO;

	err[0] = '\0';
	if (str_copy(cmd, sizeof(cmd), command) || split_words(cmd, argv, MAIL_MAX_ARGS) == 0 || argv[0][0] != '/') {
		snprintf(err, errsz, "Mail.Sendmail must be an absolute path and its arguments");
		return IE_INVALID;
	}
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (pipe2(inp, O_CLOEXEC) || pipe2(outp, O_CLOEXEC)) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(inp[0], 0) < 0 || dup2(outp[1], 1) < 0 || dup2(outp[1], 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(inp[0]);
	close(outp[1]);
	inp[0] = outp[1] = -1;
	fcntl(inp[1], F_SETFL, O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_s ? timeout_s : 60;
	done = pump(&inp[1], outp[0], msg, &deadline, said, sizeof(said));
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, errsz, "killed after %u s", timeout_s ? timeout_s : 60);
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	one_line(said);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		e = IE_OK;
	else if (WIFEXITED(status))
		snprintf(err, errsz, "exit status %d%s%.250s", WEXITSTATUS(status), said[0] ? ": " : "", said);
	else
		snprintf(err, errsz, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
out:
	for (int k = 0; k < 2; k++) {
		if (inp[k] >= 0)
			close(inp[k]);
		if (outp[k] >= 0)
			close(outp[k]);
	}
	sigaction(SIGPIPE, &old, NULL);
	return e;
}
