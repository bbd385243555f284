import { readFileSync } from 'node:fs';
import { parseMarkdownCatalog } from '../../../src/core/catalog/parse';
import { parseConfig } from '../../../src/core/config';
const t = readFileSync('/work/main/test/fixtures/stark-backend-metal/docs/metal-backend-optimization-milestones.md','utf8');
for (let k=0;k<3;k++){ const t0=performance.now(); for(let i=0;i<20;i++) parseMarkdownCatalog(t,'a.md'); console.log('cat', (performance.now()-t0)/20);}
const c = readFileSync('/work/main/test/fixtures/alt-layout/.milestone-scope.yaml','utf8');
for (let k=0;k<3;k++){ const t0=performance.now(); for(let i=0;i<100;i++) parseConfig(c); console.log('cfg', (performance.now()-t0)/100);}
