#ifndef OLIC_BAREMETAL_THRESHOLD_H
#define OLIC_BAREMETAL_THRESHOLD_H

#include <stdint.h>

/* The 2-of-3 device (threshold.c); erases the NVM first. */
void threshold_scenario(uint64_t now);

#endif
