/*
 * fcgi_static — the limit of this stack: a FastCGI program that answers every
 * request with the same bytes from memory (read once from a file at start).
 * usage: fcgi_static FILE --listen PATH
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcgiapp.h>

int main(int argc, char **argv)
{
	FCGX_Request r;
	char head[256], *body;
	long len;
	int fd, hlen;
	FILE *f;

	if (argc != 4 || strcmp(argv[2], "--listen")) {
		fprintf(stderr, "usage: fcgi_static FILE --listen PATH\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return 1;
	body = malloc((size_t)len + 1);
	if (!body || fread(body, 1, (size_t)len, f) != (size_t)len)
		return 1;
	fclose(f);
	hlen = snprintf(head, sizeof(head), "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
			"Content-Length: %ld\r\n\r\n", len);
	FCGX_Init();
	fd = FCGX_OpenSocket(argv[3], 128);
	if (fd < 0 || chmod(argv[3], 0660))
		return 1;
	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(head, hlen, r.out);
		FCGX_PutStr(body, (int)len, r.out);
		FCGX_Finish_r(&r);
	}
	free(body);
	return 0;
}
