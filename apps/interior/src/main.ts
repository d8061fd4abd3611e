// Agency node of the internal affairs bodies (migration police): everything common lives in
// @shekara/agency-node; this app only names its agency.
import { runAgencyNode } from '@shekara/agency-node';

void runAgencyNode('interior', process.env);
