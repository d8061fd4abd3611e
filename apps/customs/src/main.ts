// Agency node of the customs bodies: everything common lives in @shekara/agency-node; this app
// only names its agency.
import { runAgencyNode } from '@shekara/agency-node';

void runAgencyNode('customs', process.env);
