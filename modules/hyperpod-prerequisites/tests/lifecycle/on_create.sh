#!/bin/bash
# fixture
exit 0
