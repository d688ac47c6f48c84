/* nvm_file.c: file-backed secure NVM with fsync and torn writes (see nvm_file.h). */
#define _XOPEN_SOURCE 700

#include "nvm_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const uint8_t *p, size_t len, off_t offset) {
  while (len > 0) {
    ssize_t n = pwrite(fd, p, len, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
    offset += n;
  }
  return 0;
}

static int read_all(int fd, uint8_t *p, size_t len, off_t offset) {
  while (len > 0) {
    ssize_t n = pread(fd, p, len, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1; /* 0: the file shrank under us; treat as a failed read */
    p += n;
    len -= (size_t)n;
    offset += n;
  }
  return 0;
}

/* A new file is only durable once its directory entry is: without this, a
   crash right after provisioning could lose the whole NVM file. */
static void sync_parent_dir(const char *path) {
  char copy[PATH_MAX];
  if (strlen(path) >= sizeof copy) return;
  strcpy(copy, path);
  int dfd = open(dirname(copy), O_RDONLY);
  if (dfd < 0) return;
  (void)fsync(dfd);
  close(dfd);
}

nvm_open_result nvm_open(nvm_file *nvm, const char *path, uint32_t size, bool create) {
  memset(nvm, 0, sizeof *nvm);
  nvm->fd = -1;
  nvm->path = path;
  nvm->size = size;

  int fd = open(path, O_RDWR);
  if (fd < 0 && errno != ENOENT) {
    fprintf(stderr, "mock-firmware: --nvm %s: %s\n", path, strerror(errno));
    return NVM_FAILED;
  }
  if (fd < 0 && !create) return NVM_MISSING;
  if (fd < 0) {
    fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      fprintf(stderr, "mock-firmware: --nvm %s: cannot create: %s\n", path, strerror(errno));
      return NVM_FAILED;
    }
  }

  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    fprintf(stderr, "mock-firmware: --nvm %s: not a regular file\n", path);
    close(fd);
    return NVM_FAILED;
  }
  if (st.st_size == 0) {
    if (!create) {
      close(fd);
      return NVM_MISSING;
    }
    /* Erased flash reads as 0xff; olic must see that as "no state", never as
       a device with zero allowance. */
    static uint8_t erased[4096];
    memset(erased, 0xff, sizeof erased);
    bool ok = true;
    for (uint32_t at = 0; ok && at < size; at += (uint32_t)sizeof erased) {
      uint32_t n = size - at < sizeof erased ? size - at : (uint32_t)sizeof erased;
      ok = write_all(fd, erased, n, (off_t)at) == 0;
    }
    if (!ok || fsync(fd) != 0) {
      fprintf(stderr, "mock-firmware: --nvm %s: cannot initialise: %s\n", path, strerror(errno));
      close(fd);
      return NVM_FAILED;
    }
    sync_parent_dir(path);
    nvm->fd = fd;
    return NVM_CREATED;
  }
  if (st.st_size != (off_t)size) {
    fprintf(stderr, "mock-firmware: --nvm %s: %lld bytes, expected %u (--nvm-size): not this "
            "device's NVM image\n", path, (long long)st.st_size, size);
    close(fd);
    return NVM_FAILED;
  }
  nvm->fd = fd;
  return NVM_OPENED;
}

static bool in_bounds(const nvm_file *nvm, uint32_t offset, uint32_t len) {
  return offset <= nvm->size && len <= nvm->size - offset;
}

static int nvm_read(void *ctx, uint32_t offset, void *buf, uint32_t len) {
  nvm_file *nvm = ctx;
  if (buf == NULL || !in_bounds(nvm, offset, len)) return -1;
  return read_all(nvm->fd, buf, len, (off_t)offset);
}

static int nvm_write(void *ctx, uint32_t offset, const void *buf, uint32_t len) {
  nvm_file *nvm = ctx;
  if (buf == NULL || !in_bounds(nvm, offset, len)) return -1;
  nvm->writes++;
  if (nvm->cut_at != 0 && nvm->writes == nvm->cut_at) {
    uint32_t landed = len / 2;
    if (nvm->torn_bytes_set) landed = nvm->torn_bytes < len ? (uint32_t)nvm->torn_bytes : len;
    /* The prefix that made it before the lights went out is on the medium. */
    if (write_all(nvm->fd, buf, landed, (off_t)offset) == 0) (void)fsync(nvm->fd);
    if (nvm->on_power_cut != NULL) nvm->on_power_cut(nvm->arg, nvm->writes, landed, len);
    return -1; /* unreachable with a proper hook; a failed write otherwise */
  }
  if (write_all(nvm->fd, buf, len, (off_t)offset) != 0) return -1;
  return fsync(nvm->fd) == 0 ? 0 : -1;
}

olic_storage nvm_storage(nvm_file *nvm) {
  olic_storage s = {.ctx = nvm, .size = nvm->size, .read = nvm_read, .write = nvm_write};
  return s;
}

void nvm_close(nvm_file *nvm) {
  if (nvm->fd >= 0) close(nvm->fd);
  nvm->fd = -1;
}
