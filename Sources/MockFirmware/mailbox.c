/* mailbox.c: license files in, request file out (see mailbox.h). */
#define _XOPEN_SOURCE 700

#include "mailbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_candidate(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '.' || n <= 5 || n >= sizeof((mailbox_entry *)0)->name) return false;
  if (strcmp(name + n - 5, ".olic") != 0) return false;
  return strcmp(name, MAILBOX_REQUEST_NAME) != 0;
}

/* Reads at most cap bytes of the regular file dir/name. O_NOFOLLOW and the
   fstat check keep a symlink, FIFO or device node from being read (or hanging
   the boot); *len == cap means "this much or more". */
static bool read_file(const char *dir, const char *name, uint8_t *buf, size_t cap, size_t *len) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) return false;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return false;
  }
  size_t got = 0;
  while (got < cap) {
    ssize_t n = read(fd, buf + got, cap - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return false;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  close(fd);
  *len = got;
  return true;
}

static int compare_entries(const void *pa, const void *pb) {
  const mailbox_entry *a = pa, *b = pb;
  bool a_ok = a->parse_status == OLIC_OK, b_ok = b->parse_status == OLIC_OK;
  if (a_ok != b_ok) return a_ok ? -1 : 1;
  if (a_ok && a->license_id != b->license_id) return a->license_id < b->license_id ? -1 : 1;
  return strcmp(a->name, b->name);
}

bool mailbox_read_all(const char *dir, mailbox_scan *out) {
  out->count = 0;
  out->ignored = 0;
  DIR *d = opendir(dir);
  if (d == NULL) {
    fprintf(stderr, "mock-firmware: --mailbox %s: %s\n", dir, strerror(errno));
    return false;
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (!is_candidate(de->d_name)) continue;
    if (out->count == MAILBOX_MAX_ENTRIES) {
      out->ignored++;
      continue;
    }
    mailbox_entry *e = &out->entries[out->count];
    strcpy(e->name, de->d_name); /* length checked by is_candidate */
    if (!read_file(dir, e->name, e->blob, sizeof e->blob, &e->len)) {
      out->ignored++;
      continue;
    }
    olic_license lic;
    e->parse_status = olic_parse(e->blob, e->len, &lic);
    e->license_id = e->parse_status == OLIC_OK ? lic.license_id : 0;
    out->count++;
  }
  closedir(d);
  qsort(out->entries, out->count, sizeof out->entries[0], compare_entries);
  return true;
}

bool mailbox_read_request(const char *dir, uint8_t request[OLIC_REQUEST_SIZE + 1], size_t *len) {
  return read_file(dir, MAILBOX_REQUEST_NAME, request, OLIC_REQUEST_SIZE + 1, len);
}

bool mailbox_write_request(const char *dir, const uint8_t *request, size_t len, char *path_out,
                           size_t path_cap) {
  char tmp[4096];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, MAILBOX_REQUEST_NAME) >= sizeof tmp ||
      (size_t)snprintf(path_out, path_cap, "%s/%s", dir, MAILBOX_REQUEST_NAME) >= path_cap) {
    fprintf(stderr, "mock-firmware: --mailbox %s: path too long\n", dir);
    return false;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    fprintf(stderr, "mock-firmware: %s: %s\n", tmp, strerror(errno));
    return false;
  }
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, request + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += (size_t)n;
  }
  bool ok = done == len && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (ok && rename(tmp, path_out) != 0) ok = false;
  if (!ok) {
    fprintf(stderr, "mock-firmware: %s: cannot write the request: %s\n", path_out, strerror(errno));
    (void)unlink(tmp);
    return false;
  }
  int dfd = open(dir, O_RDONLY);
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  return true;
}
