#!/usr/bin/env node
import { main } from '../dist/main.js'

void main(process.argv.slice(2))
