// The page of `expoflow view`: HTML, CSS and plain JavaScript drawing SVG; no library, no network.
#include <string>

#include "output/view.hpp"

namespace expoflow::output {

namespace {

constexpr const char* kPage = R"PAGE(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>expoflow: site map</title>
<style>
body{font:14px sans-serif;margin:12px;color:#222}
#controls{margin:6px 0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
#slider{width:420px}#clock{font-weight:bold;min-width:90px}
#main{display:flex;gap:14px;align-items:flex-start}
#map{width:760px;height:600px;border:1px solid #ccc;background:#fafafa}
#side{width:520px}
.place{cursor:pointer}.place:hover{stroke:#000;stroke-width:2px;vector-effect:non-scaling-stroke}
.node{fill:#555;pointer-events:none}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
td:first-child,th:first-child{text-align:left}
.sw{display:inline-block;width:14px;height:10px;margin:0 4px 0 10px;border:1px solid #999}
#series svg{background:#fff;border:1px solid #ddd;margin:2px 0}
#windows{font-size:12px;color:#704}
</style></head><body>
<h1 id="title">expoflow</h1>
<div id="controls">Day <select id="day"></select>
<input type="range" id="slider" min="0" max="0" value="0"><span id="clock"></span>
<button id="play">Play</button>Speed <select id="speed"><option value="1">1 bin/s</option><option value="4" selected>4 bins/s</option><option value="12">12 bins/s</option></select>
<span id="windows"></span></div>
<div id="main"><svg id="map" xmlns="http://www.w3.org/2000/svg"></svg>
<div id="side"><div id="legend"></div><div id="series"><p>Click a place for its time series.</p></div></div></div>
<div id="tables"></div>
<pre id="selftest"></pre>
<script>window.viewErrors=[];window.onerror=function(m,s,l){window.viewErrors.push(m+' (line '+l+')');var t=document.getElementById('selftest');if(location.hash=='#selftest'&&t)t.textContent+='FAIL javascript error: '+m+'\n';};</script>
<script>const DATA = @DATA@;</script>
<script>
'use strict';
const SVGNS='http://www.w3.org/2000/svg';
const PAL=['#1a9850','#91cf60','#d9ef8b','#fee08b','#fc8d59','#d73027'];
const NONE='#cccccc', UP='#c51b7d', DOWN='#2166ac';
const QUEUE_BOUNDS=[1,50,200,500,1000];          // persons queueing: classes 0..5
const USE_BOUNDS=[0.5,0.7,0.85,0.95,1.0];        // occupancy over capacity
const BPD=Math.round(86400/DATA.bin_s);
const el=id=>document.getElementById(id);
function mk(tag,attrs,parent){const e=document.createElementNS(SVGNS,tag);for(const k in attrs)e.setAttribute(k,attrs[k]);if(parent)parent.appendChild(e);return e;}
// How a place's state is graded: 'walk' (Fruin walkway LOS), 'queue' (Fruin queue LOS),
// 'length' (queue length), 'use' (occupancy over capacity).
function scale(p){
  if(p.kind=='walkway')return 'walk';
  if(p.kind=='platform'||p.kind=='queue_area')return 'queue';
  if(p.kind=='gate'||p.kind=='fare_gate'||p.kind=='taxi_stand'||p.kind=='stop')return 'length';
  if(p.capacity>0)return 'use';
  if(p.area_m2>0)return p.kind=='hall'?'walk':'queue';
  return 'length';
}
function metric(p){return scale(p)=='length'?'q':'o';}
function gradeOf(p,v){
  const sc=scale(p);
  if(sc=='walk'||sc=='queue'){
    if(!(v>0))return 0;
    const b=DATA.fruin[sc=='walk'?'walkway':'queue'], space=p.area_m2/v;
    for(let i=0;i<5;i++)if(space>b[i])return i;
    return 5;
  }
  const x=sc=='use'?v/p.capacity:v, b=sc=='use'?USE_BOUNDS:QUEUE_BOUNDS;
  for(let i=0;i<5;i++)if(x<b[i])return i;
  return 5;
}
function valueAt(p,b){const s=p.s[metric(p)];return s?s[b]:0;}
// Compare: the difference of the place's metric in bin b, shown only when its 95% interval
// excludes zero and it moves the place by at least one class, or by 10% of its capacity.
function cmpMetric(p){return metric(p)=='q'?'queue_mean':'occupancy_mean';}
function cmpAt(p,b){
  const m=cmpMetric(p),d=p.s[m+'.d'];
  if(!d)return {d:0,show:false};
  const lo=p.s[m+'.lo'][b],hi=p.s[m+'.hi'][b],base=p.s[m+'.b'][b],vari=p.s[m+'.v'][b];
  const sig=lo!==null&&hi!==null&&(lo>0||hi<0);
  const big=gradeOf(p,base)!=gradeOf(p,vari)||(p.capacity>0&&Math.abs(d[b])>=0.1*p.capacity);
  return {d:d[b],show:sig&&big};
}
function colourAt(p,b){
  if(DATA.mode=='compare'){const c=cmpAt(p,b);return c.show?(c.d>0?UP:DOWN):NONE;}
  return PAL[gradeOf(p,valueAt(p,b))];
}
// Day 1's date (the scenario's start_date, "2024-11-05"); without one, days are d1, d2, ...
const FIRST=(()=>{const m=/^(\d{4})-(\d{2})-(\d{2})$/.exec(DATA.start_date||'');return m?Date.UTC(+m[1],m[2]-1,+m[3]):null;})();
function dayName(d){if(FIRST===null)return 'd'+(d+1);const t=new Date(FIRST+d*86400000);
  return ['Sun','Mon','Tue','Wed','Thu','Fri','Sat'][t.getUTCDay()]+' '+t.getUTCDate()+' '+['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'][t.getUTCMonth()];}
function clockOf(b){const t=b*DATA.bin_s,d=Math.floor(t/86400),m=Math.round((t%86400)/60);
  return dayName(d)+' '+String(Math.floor(m/60)).padStart(2,'0')+':'+String(m%60).padStart(2,'0');}
// ---- map
const drawn={};
let bin=0, selected=null;
function drawMap(){
  const svg=el('map'), xs=[], ys=[];
  for(const n of DATA.nodes){xs.push(n.x);ys.push(n.y);}
  const x0=Math.min(...xs),x1=Math.max(...xs),y0=Math.min(...ys),y1=Math.max(...ys);
  const ext=Math.max(x1-x0,y1-y0,1),pad=ext*0.08;
  svg.setAttribute('viewBox',[x0-pad,-(y1+pad),x1-x0+2*pad,y1-y0+2*pad].join(' '));
  const r=ext/110, ring=ext/55, roads=mk('g',{},svg), dots=mk('g',{},svg), labels=mk('g',{},svg);
  const byNode={};
  for(const p of DATA.places)if(p.x2===undefined)(byNode[p.node]=byNode[p.node]||[]).push(p);
  for(const p of DATA.places){
    let e;
    if(p.x2!==undefined){
      // A walkway's direction: a line offset to the right of travel, as wide as the walkway.
      const dx=p.x2-p.x,dy=p.y2-p.y,len=Math.hypot(dx,dy)||1,ox=dy/len*r*0.9,oy=-dx/len*r*0.9;
      e=mk('line',{x1:p.x+ox,y1:-(p.y+oy),x2:p.x2+ox,y2:-(p.y2+oy),'stroke-width':Math.max(p.width_m,r*0.8),'stroke-linecap':'butt'},roads);
    }else{
      const at=byNode[p.node],k=at.indexOf(p),n=at.length,a=2*Math.PI*k/n;
      const cx=p.x+(n>1?ring*Math.cos(a):0),cy=p.y+(n>1?ring*Math.sin(a):0);
      const size=p.kind=='hall'?r*3:r;
      e=mk(p.kind=='gate'||p.kind=='fare_gate'?'rect':'circle',p.kind=='gate'||p.kind=='fare_gate'?
        {x:cx-size,y:-cy-size,width:2*size,height:2*size}:{cx:cx,cy:-cy,r:size},dots);
    }
    e.setAttribute('class','place');e.dataset.id=p.id;
    mk('title',{},e).textContent=p.id;
    e.addEventListener('click',()=>openSeries(p));
    drawn[p.id]=e;
  }
  for(const n of DATA.nodes){const t=mk('text',{x:n.x+r*1.5,y:-n.y-r*1.5,class:'node','font-size':ext/70},labels);t.textContent=n.id;}
}
function paint(){
  for(const p of DATA.places){
    const e=drawn[p.id],c=colourAt(p,bin);
    if(p.x2!==undefined)e.setAttribute('stroke',c);else e.setAttribute('fill',c);
    e.dataset.v=DATA.mode=='compare'?cmpAt(p,bin).d:valueAt(p,bin);
  }
  el('clock').textContent=clockOf(bin);
  if(selected)openSeries(selected);
}
function legend(){
  let h='';
  if(DATA.mode=='compare'){
    h='<b>variant − base</b><span class="sw" style="background:'+UP+'"></span>more<span class="sw" style="background:'+DOWN+'"></span>less'+
      '<span class="sw" style="background:'+NONE+'"></span>no clear change<br><small>Coloured where the 95% interval of the paired difference excludes zero and the change moves the place by at least one class below, or by 10% of its capacity.</small><br>';
  }
  const row=(name,labels)=>name+labels.map((l,i)=>'<span class="sw" style="background:'+PAL[i]+'"></span>'+l).join('')+'<br>';
  h+=row('<b>LOS</b> (walkways, platforms, queue areas)',['A','B','C','D','E','F']);
  h+=row('<b>queue</b> (persons: gates, fare gates, taxi stand, stops)',['0','1+','50+','200+','500+','1000+']);
  h+=row('<b>use</b> (occupancy / capacity: lots, halls)',['<50%','50%','70%','85%','95%','100%']);
  el('legend').innerHTML=h;
}
// ---- time series of a place over the selected day, the current bin marked
function chart(name,values,lo,hi,first,last){
  const W=500,H=70,svg=mk('svg',{width:W,height:H+16});
  const vs=values.slice(first,last+1);let top=0;
  for(let i=first;i<=last;i++){top=Math.max(top,Math.abs(values[i]||0));if(hi&&hi[i]!==null)top=Math.max(top,Math.abs(hi[i]),Math.abs(lo[i]));}
  top=top||1;const neg=vs.some(v=>v<0)||(lo&&lo.slice(first,last+1).some(v=>v!==null&&v<0));
  const yOf=v=>neg?H/2-(v/top)*(H/2-2):H-(v/top)*(H-2), xOf=i=>(i-first)/Math.max(last-first,1)*W;
  if(lo){let pts=[];for(let i=first;i<=last;i++)if(lo[i]!==null)pts.push(xOf(i)+','+yOf(hi[i]));
    for(let i=last;i>=first;i--)if(lo[i]!==null)pts.push(xOf(i)+','+yOf(lo[i]));
    if(pts.length)mk('polygon',{points:pts.join(' '),fill:'#cde',class:'band'},svg);}
  const pts=[];for(let i=first;i<=last;i++)pts.push(xOf(i).toFixed(2)+','+yOf(values[i]||0).toFixed(2));
  mk('polyline',{points:pts.join(' '),fill:'none',stroke:'#036','stroke-width':1.5,class:'series'},svg);
  for(const w of DATA.windows||[]){const a=Math.max(first,Math.floor(w.from_s/DATA.bin_s)),b=Math.min(last,Math.ceil(w.to_s/DATA.bin_s));
    if(a<=b)mk('rect',{x:xOf(a),y:0,width:Math.max(xOf(b)-xOf(a),1),height:H,fill:'#c51b7d',opacity:0.12},svg);}
  mk('line',{x1:xOf(bin),x2:xOf(bin),y1:0,y2:H,stroke:'#d00','stroke-width':1.5,class:'now'},svg);
  const t=mk('text',{x:4,y:H+13,'font-size':11},svg);t.textContent=name+' (max '+top+'; now '+(values[bin]===undefined||values[bin]===null?'-':values[bin])+')';
  return svg;
}
const SERIES_NAMES={q:'queue (persons)',o:'occupancy',f:'served / passed',w50:'wait p50 (s)',w95:'wait p95 (s)'};
// A run's 95% interval over the replications of series n, from its half-widths (".ci"): [max(0,
// mean - h), mean + h], none where h is 0 or missing (one replication).
function band(p,n){const v=p.s[n],h=p.s[n+'.ci'];if(!h)return [null,null];
  return [v.map((x,i)=>h[i]?Math.max(0,x-h[i]):null),v.map((x,i)=>h[i]?x+h[i]:null)];}
function openSeries(p){
  selected=p;
  const day=Math.floor(bin/BPD),first=day*BPD,last=Math.min(first+BPD,DATA.bins)-1,box=el('series');
  box.innerHTML='';
  const h=document.createElement('h3');h.id='series-title';h.textContent=p.id+' ('+p.kind+(p.capacity?', capacity '+p.capacity:'')+(p.area_m2?', '+p.area_m2+' m²':'')+')';box.appendChild(h);
  const names=DATA.mode=='compare'?[]:['q','o','f','w50','w95'];
  if(DATA.mode=='compare')for(const m of ['queue_mean','occupancy_mean','flow','wait_mean_s'])if(p.s[m+'.d'])names.push(m);
  if(!names.some(n=>DATA.mode=='compare'||p.s[n])){box.appendChild(document.createTextNode('Nothing happened here.'));return;}
  for(const n of names){
    if(DATA.mode=='compare'){
      box.appendChild(chart(n+': base',p.s[n+'.b'],null,null,first,last));
      box.appendChild(chart(n+': variant',p.s[n+'.v'],null,null,first,last));
      box.appendChild(chart(n+': variant − base, 95% interval',p.s[n+'.d'],p.s[n+'.lo'],p.s[n+'.hi'],first,last));
    }else if(p.s[n]){const [lo,hi]=band(p,n);
      // A platform's wait is for space on it (the platform full), not for a train.
      const what=p.kind=='platform'&&n[0]=='w'?': for space on the platform, not for a train':'';
      box.appendChild(chart(SERIES_NAMES[n]+what+(lo?', 95% band over the replications':''),p.s[n],lo,hi,first,last));}
  }
}
// ---- time control
let timer=null;
function setBin(b){bin=Math.max(0,Math.min(DATA.bins-1,b));const day=Math.floor(bin/BPD);
  if(+el('day').value!=day){el('day').value=day;dayRange();}el('slider').value=bin;paint();}
function dayRange(){const d=+el('day').value;el('slider').min=d*BPD;el('slider').max=Math.min((d+1)*BPD,DATA.bins)-1;}
function controls(){
  const days=Math.ceil(DATA.bins/BPD);
  for(let d=0;d<days;d++){const o=document.createElement('option');o.value=d;o.textContent=dayName(d);el('day').appendChild(o);}
  el('day').addEventListener('change',()=>{dayRange();setBin(+el('slider').min+Math.round(17.25*3600/DATA.bin_s));});
  el('slider').addEventListener('input',()=>{bin=+el('slider').value;paint();});
  el('play').addEventListener('click',()=>{
    if(timer){clearInterval(timer);timer=null;el('play').textContent='Play';return;}
    el('play').textContent='Pause';
    timer=setInterval(()=>{const next=bin+1>+el('slider').max?+el('slider').min:bin+1;setBin(next);},1000/+el('speed').value);
  });
  el('speed').addEventListener('change',()=>{if(timer){el('play').click();el('play').click();}});
  if(DATA.windows&&DATA.windows.length)el('windows').textContent='event windows: '+DATA.windows.map(w=>w.event+' '+clockOf(Math.floor(w.from_s/DATA.bin_s))+'–'+clockOf(Math.floor(w.to_s/DATA.bin_s))).join('; ');
}
// ---- tables
function esc(s){return String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));}
// A CSV cell as shown: fractions to 3 significant digits (the file keeps every digit).
function cell(c){return /^-?[0-9]+\.[0-9]{4,}$/.test(c)?String(+(+c).toPrecision(3)):c;}
function tables(){
  let h='';
  if(DATA.headroom){
    const rows=DATA.headroom.trim().split('\n').map(l=>l.split(','));
    h+='<h2>Headroom (closest to capacity first)</h2><table id="headroom">'+rows.map((r,i)=>'<tr>'+r.map(c=>(i?'<td>':'<th>')+esc(i?cell(c):c)+(i?'</td>':'</th>')).join('')+'</tr>').join('')+'</table>';
  }
  if(DATA.observations&&DATA.observations.length){
    h+='<h2>Observed and simulated</h2><table id="observations"><tr><th>total</th><th>observed</th><th>simulated</th><th>95% interval</th><th>residual</th><th>within</th></tr>'+
      DATA.observations.map(o=>'<tr><td>'+esc(o.name)+'</td><td>'+esc(o.observed)+'</td><td>'+esc(o.simulated)+'</td><td>'+esc((o.ci95||[]).join(' – '))+'</td><td>'+esc(o.residual)+'</td><td>'+(o.within?'yes':'no')+'</td></tr>').join('')+'</table>';
  }
  el('tables').innerHTML=h;
}
// ---- self-test (index.html#selftest): PASS/FAIL lines in #selftest
function selftest(){
  const out=[],check=(name,ok,detail)=>out.push((ok?'PASS ':'FAIL ')+name+(ok||!detail?'':': '+detail));
  try{
    const svg=el('map');
    let missing=DATA.places.filter(p=>!drawn[p.id]||!svg.contains(drawn[p.id])).map(p=>p.id);
    const bad=DATA.places.filter(p=>drawn[p.id]&&/NaN|undefined/.test(drawn[p.id].outerHTML)).map(p=>p.id);
    check('every place is drawn ('+DATA.places.length+')',DATA.places.length>0&&!missing.length&&!bad.length,'not drawn: '+missing.concat(bad).join(' '));
    // The busiest bin and the same time a day earlier (two hours earlier on day 1): the colours follow the slider.
    let best=0,bestSum=-1;
    for(let b=0;b<DATA.bins;b++){let s=0;for(const p of DATA.places){const v=DATA.mode=='compare'?Math.abs(cmpAt(p,b).d||0):(valueAt(p,b)||0);s+=v;}if(s>bestSum){bestSum=s;best=b;}}
    for(const b of [best,best>=BPD?best-BPD:Math.max(0,best-8)]){
      el('day').value=Math.floor(b/BPD);el('day').dispatchEvent(new Event('change'));
      el('slider').value=b;el('slider').dispatchEvent(new Event('input'));
      const wrong=[];let coloured=0;
      for(const p of DATA.places){
        const e=drawn[p.id],c=p.x2!==undefined?e.getAttribute('stroke'):e.getAttribute('fill');
        let want;
        if(DATA.mode=='compare'){
          // The rule restated on the raw data: significant, and a class apart or 10% of capacity.
          const m=['gate','fare_gate','taxi_stand','stop'].includes(p.kind)||!(p.kind=='walkway'||p.kind=='platform'||p.kind=='queue_area'||p.capacity>0||p.area_m2>0)?'queue_mean':'occupancy_mean';
          const s=p.s,d=s[m+'.d']?s[m+'.d'][b]:0,lo=s[m+'.lo']?s[m+'.lo'][b]:null,hi=s[m+'.hi']?s[m+'.hi'][b]:null;
          const pass=d!==0&&lo!==null&&hi!==null&&(lo>0||hi<0)&&(gradeOf(p,s[m+'.b'][b])!=gradeOf(p,s[m+'.v'][b])||(p.capacity>0&&Math.abs(d)>=0.1*p.capacity));
          want=pass?(d>0?UP:DOWN):NONE;
        }else{
          const s=p.s[metric(p)],v=s?s[b]:0;
          if(+e.dataset.v!==v)wrong.push(p.id+' value '+e.dataset.v+' not '+v);
          want=PAL[gradeOf(p,v)];
        }
        if(c!==want)wrong.push(p.id+' '+c+' not '+want);
        if(c!==PAL[0]&&c!==NONE)coloured++;
      }
      check('the slider at '+clockOf(b)+' colours every place by that bin ('+coloured+' coloured)',el('clock').textContent==clockOf(b)&&!wrong.length,wrong.slice(0,5).join('; ')||el('clock').textContent);
    }
    // A click on the place that varies most opens its series.
    let pick=null,top=-1;
    for(const p of DATA.places)for(const k in p.s){const m=Math.max(...p.s[k].map(v=>Math.abs(v||0)));if(m>top){top=m;pick=p;}}
    if(pick){
      drawn[pick.id].dispatchEvent(new MouseEvent('click',{bubbles:true}));
      const lines=el('series').querySelectorAll('polyline.series'),now=el('series').querySelectorAll('line.now');
      const day=Math.floor(bin/BPD),n=Math.min(BPD,DATA.bins-day*BPD);
      const ok=el('series-title')&&el('series-title').textContent.startsWith(pick.id+' (')&&lines.length>0&&now.length==lines.length&&
        [...lines].every(l=>l.getAttribute('points').split(' ').length==n);
      check('a click on '+pick.id+' opens its series ('+lines.length+')',ok,el('series').textContent.slice(0,120));
      // A run's band: drawn for every series with an interval, each corner where the data put it
      // (the chart's scale read off its own line: y = a - k v).
      if(DATA.mode=='run'){
        const wrong=[];let bands=0;
        for(const svg of el('series').querySelectorAll('svg')){
          const line=svg.querySelector('polyline.series'),poly=svg.querySelector('polygon.band');
          const sn=['q','o','f','w50','w95'].find(k=>svg.textContent.startsWith(SERIES_NAMES[k]));
          if(!line||!sn)continue;
          // The interval restated on the raw data: [max(0, mean - h), mean + h] where h > 0.
          const h=pick.s[sn+'.ci'],v0=pick.s[sn],f0=day*BPD;
          if(!h){if(poly)wrong.push(sn+': a band without an interval');continue;}
          const lo=v0.map((x,i)=>Math.max(0,x-h[i])),hi=v0.map((x,i)=>x+h[i]);
          const idx=[];for(let i=f0;i<f0+n;i++)if(h[i]>0)idx.push(i);
          if(!idx.length)continue;
          if(!poly){wrong.push(sn+': no band');continue;}
          bands++;
          const ys=line.getAttribute('points').split(' ').map(t=>+t.split(',')[1]),v=pick.s[sn].slice(f0,f0+n);
          let i0=0,i1=0;for(let i=0;i<v.length;i++){if(v[i]<v[i0])i0=i;if(v[i]>v[i1])i1=i;}
          if(!(v[i1]>v[i0]))continue;  // a flat line gives no scale to read
          const k=(ys[i0]-ys[i1])/(v[i1]-v[i0]),a=ys[i0]+k*v[i0];
          const pts=poly.getAttribute('points').split(' ').map(t=>+t.split(',')[1]);
          const want=idx.map(i=>a-k*hi[i]).concat(idx.slice().reverse().map(i=>a-k*lo[i]));
          if(pts.length!=want.length)wrong.push(sn+': '+pts.length+' corners, not '+want.length);
          else for(let j=0;j<pts.length;j++)if(Math.abs(pts[j]-want[j])>0.5)wrong.push(sn+' corner '+j+' at '+pts[j].toFixed(2)+', not '+want[j].toFixed(2));
        }
        const anyCi=DATA.places.some(p=>Object.keys(p.s).some(k=>k.endsWith('.ci')));
        check('the series of '+pick.id+' show their 95% band over the replications ('+bands+')',!wrong.length&&(bands>0||!anyCi||!Object.keys(pick.s).some(k=>k.endsWith('.ci'))),wrong.slice(0,4).join('; ')||'no band drawn');
      }
    }else check('a click opens a series',false,'no place has a series');
    if(DATA.mode=='compare')check('the compare page shows the rule in the legend',el('legend').textContent.includes('10% of its capacity'),'');
    else check('the tables are on the page',!!el('observations')||!DATA.observations.length,'');
  }catch(e){check('self-test ran',false,String(e));}
  check('no JavaScript error',window.viewErrors.length==0,window.viewErrors.join('; '));
  out.push(out.every(l=>l.startsWith('PASS'))?'SELFTEST PASS':'SELFTEST FAIL');
  el('selftest').textContent+=out.join('\n')+'\n';
}
// A compare's series left out as zero throughout (a base or variant of zero) are zeros again; a
// missing interval is none.
if(DATA.mode=='compare')for(const p of DATA.places)for(const k of Object.keys(p.s))if(k.endsWith('.d')){
  const m=k.slice(0,-2);
  for(const [x,fill] of [['.b',0],['.v',0],['.lo',null],['.hi',null]])if(!p.s[m+x])p.s[m+x]=new Array(DATA.bins).fill(fill);
}
el('title').textContent=DATA.title+(DATA.mode=='compare'?' (variant − base)':'');
drawMap();legend();controls();tables();
// index.html#day=4&time=17:15&place=line[line17].platform opens at that day (from 1), clock time
// and place's series (scripts/screenshots asks so); what is not given is day 4, 17:15, no series.
function openAt(){
  const q=new URLSearchParams(location.hash.slice(1)),t=/^(\d{1,2}):(\d{2})$/.exec(q.get('time')||'17:15');
  const day=Math.max(1,Math.round(+(q.get('day')||4))||1)-1;
  setBin(Math.min(DATA.bins-1,day*BPD+(t?Math.floor((+t[1]*3600+(+t[2])*60)/DATA.bin_s):0)));
  if(q.has('place')){const p=DATA.places.find(x=>x.id==q.get('place'));
    if(p)openSeries(p);else el('series').textContent='No place '+q.get('place')+' on this map.';}
}
openAt();
if(location.hash=='#selftest')selftest();
</script></body></html>
)PAGE";

}  // namespace

std::string view_page(const std::string& data) {
  // "</" inside the data would end the <script> element.
  std::string safe;
  safe.reserve(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '<' && i + 1 < data.size() && data[i + 1] == '/') safe += "<\\";
    else safe += data[i];
  }
  std::string page = kPage;
  const std::string mark = "@DATA@";
  page.replace(page.find(mark), mark.size(), safe);
  return page;
}

}  // namespace expoflow::output
